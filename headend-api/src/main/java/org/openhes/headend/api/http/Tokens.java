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

/** API bearer tokens, stored as SHA-256 hashes; the token itself is shown once, when created. */
public final class Tokens {
    private final DataSource ds;
    private final Map<String, Role> cache = new ConcurrentHashMap<>();
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
        Role cached = cache.get(h);
        if (cached != null) return Optional.of(cached);
        Optional<Role> role = Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT role FROM api_tokens WHERE token_hash = ?")) {
                ps.setString(1, h);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Role.valueOf(rs.getString(1).toUpperCase(Locale.ROOT))) : Optional.<Role>empty();
                }
            }
        });
        role.ifPresent(r -> cache.put(h, r));
        return role;
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
