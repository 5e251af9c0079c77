package org.openhes.headend.scheduler.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.sql.DataSource;
import org.openhes.headend.scheduler.db.Sql;

/**
 * The web console's sessions: opened with a valid API token's hash, found by the random id the browser
 * holds in its cookie (only the id's SHA-256 is stored), ended by sign-out, by expiry or by revoking the
 * token (the row cascades). Each session has its own anti-forgery token for form posts.
 */
public final class ConsoleSessionStore {
    private final DataSource ds;
    private final InstantSource clock;
    private final SecureRandom random = new SecureRandom();

    public ConsoleSessionStore(DataSource ds, InstantSource clock) {
        this.ds = ds;
        this.clock = clock;
    }

    /** A session as a request sees it: who (the token's name and current role) and the form token. */
    public record ConsoleSession(String tokenName, String role, String csrf, Instant expiresAt) {
    }

    /** A new session: the id to put in the cookie (never stored in clear) and the session itself. */
    public record Opened(String id, ConsoleSession session) {
    }

    /** Opens a session for the token whose hash is {@code tokenHash}, valid for {@code ttl}. */
    public Opened open(String tokenHash, Duration ttl) {
        String id = randomToken(), csrf = randomToken();
        Instant now = clock.instant(), expires = now.plus(ttl);
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO console_sessions (id_hash, token_hash, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
                    RETURNING (SELECT name FROM api_tokens WHERE token_hash = ?), (SELECT role FROM api_tokens WHERE token_hash = ?)
                    """)) {
                ps.setString(1, hash(id));
                ps.setString(2, tokenHash);
                ps.setString(3, csrf);
                ps.setTimestamp(4, Sql.ts(now));
                ps.setTimestamp(5, Sql.ts(expires));
                ps.setString(6, tokenHash);
                ps.setString(7, tokenHash);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Opened(id, new ConsoleSession(rs.getString(1), rs.getString(2), csrf, expires));
                }
            }
        });
    }

    /** The live session with cookie id {@code id}: not expired, its token not revoked. */
    public Optional<ConsoleSession> find(String id) {
        if (id == null || id.isBlank() || id.length() > 100) return Optional.empty();
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT t.name, t.role, s.csrf, s.expires_at
                    FROM console_sessions s JOIN api_tokens t ON t.token_hash = s.token_hash
                    WHERE s.id_hash = ? AND s.expires_at > ?
                    """)) {
                ps.setString(1, hash(id));
                ps.setTimestamp(2, Sql.ts(clock.instant()));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new ConsoleSession(rs.getString(1), rs.getString(2), rs.getString(3),
                            Sql.instant(rs.getTimestamp(4)))) : Optional.<ConsoleSession>empty();
                }
            }
        });
    }

    /** Ends the session with cookie id {@code id} (sign-out); nothing when there is none. */
    public void close(String id) {
        if (id == null || id.isBlank()) return;
        Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM console_sessions WHERE id_hash = ?")) {
                ps.setString(1, hash(id));
                return ps.executeUpdate();
            }
        });
    }

    /** Deletes the sessions that have expired; returns how many. */
    public int purgeExpired() {
        return Sql.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM console_sessions WHERE expires_at <= ?")) {
                ps.setTimestamp(1, Sql.ts(clock.instant()));
                return ps.executeUpdate();
            }
        });
    }

    private String randomToken() {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    private static String hash(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
