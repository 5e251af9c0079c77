package org.openhes.headend.api.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;

/**
 * API bearer tokens, stored as SHA-256 hashes; the token itself is shown once, when created. A token's
 * role is cached for {@link #CACHE_NANOS} at most, so a token revoked on another node stops working
 * here within that time (at once on the node that revoked it).
 */
public final class Tokens {
    static final long CACHE_NANOS = 30_000_000_000L;
    private final DataSource ds;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Role role, long loadedNanos) {
    }

    /** A token as an admin sees it: its hash stands for it ({@code id}); the token itself is never kept. */
    public record TokenInfo(String id, String name, Role role, java.time.Instant createdAt) {
    }
    private final SecureRandom random = new SecureRandom();

    public Tokens(DataSource ds) {
        this.ds = ds;
    }

    /** Creates a random token with {@code role}; returns the token (never stored in clear). */
    public String create(String name, Role role) {
        byte[] raw = new byte[24];
        random.nextBytes(raw);
        String token = "hes_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        register(token, name, role);
        return token;
    }

    /** Registers a given token (e.g. HEADEND_ADMIN_TOKEN). */
    public void register(String token, String name, Role role) {
        if (token.length() < 16) throw new IllegalArgumentException("an API token must be at least 16 characters");
        Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO api_tokens (token_hash, name, role) VALUES (?, ?, ?)
                    ON CONFLICT (token_hash) DO UPDATE SET name = excluded.name, role = excluded.role
                    """)) {
                ps.setString(1, hash(token));
                ps.setString(2, name);
                ps.setString(3, role.name().toLowerCase(Locale.ROOT));
                return ps.executeUpdate();
            }
        });
    }

    /** The role of a presented token, or empty. */
    public Optional<Role> roleOf(String token) {
        if (token == null || token.isBlank()) return Optional.empty();
        String h = hash(token);
        Cached cached = cache.get(h);
        if (cached != null && System.nanoTime() - cached.loadedNanos() < CACHE_NANOS) return Optional.of(cached.role());
        Optional<Role> role = Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT role FROM api_tokens WHERE token_hash = ?")) {
                ps.setString(1, h);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Role.valueOf(rs.getString(1).toUpperCase(Locale.ROOT))) : Optional.<Role>empty();
                }
            }
        });
        role.ifPresentOrElse(r -> cache.put(h, new Cached(r, System.nanoTime())), () -> cache.remove(h));
        return role;
    }

    /** Every token, oldest first. */
    public java.util.List<TokenInfo> list() {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT token_hash, name, role, created_at FROM api_tokens ORDER BY created_at, name");
                 ResultSet rs = ps.executeQuery()) {
                java.util.List<TokenInfo> out = new java.util.ArrayList<>();
                while (rs.next()) {
                    out.add(new TokenInfo(rs.getString(1), rs.getString(2), Role.valueOf(rs.getString(3).toUpperCase(Locale.ROOT)),
                            rs.getTimestamp(4).toInstant()));
                }
                return out;
            }
        });
    }

    /** Revokes the token whose hash is {@code id} (its console sessions end with it); the revoked one, or empty. */
    public Optional<TokenInfo> revoke(String id) {
        Optional<TokenInfo> gone = Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_tokens WHERE token_hash = ? RETURNING token_hash, name, role, created_at")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new TokenInfo(rs.getString(1), rs.getString(2),
                            Role.valueOf(rs.getString(3).toUpperCase(Locale.ROOT)), rs.getTimestamp(4).toInstant())) : Optional.<TokenInfo>empty();
                }
            }
        });
        cache.remove(id);
        return gone;
    }

    /** The stored form of a token (its SHA-256, hex). */
    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
