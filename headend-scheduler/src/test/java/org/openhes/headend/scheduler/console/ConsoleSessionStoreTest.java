package org.openhes.headend.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openhes.headend.scheduler.MutableClock;
import org.openhes.headend.scheduler.TestDatabase;
import org.openhes.headend.scheduler.db.Database;

/** The console's sessions against a real PostgreSQL: found by the cookie's id only, ended by expiry, sign-out or revocation. */
class ConsoleSessionStoreTest {
    Database db;
    MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    ConsoleSessionStore sessions;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.create();
        sessions = new ConsoleSessionStore(db.dataSource(), clock);
        sql("INSERT INTO api_tokens (token_hash, name, role) VALUES ('hash-of-the-engineer', 'field engineer', 'engineer')");
        sql("INSERT INTO api_tokens (token_hash, name, role) VALUES ('hash-of-the-operator', 'desk', 'operator')");
    }

    @Test
    void aSessionIsFoundByItsIdWithTheTokensCurrentRoleAndOnlyItsHashIsStored() throws Exception {
        ConsoleSessionStore.Opened opened = sessions.open("hash-of-the-engineer", Duration.ofHours(8));
        assertThat(opened.session().tokenName()).isEqualTo("field engineer");
        assertThat(opened.session().role()).isEqualTo("engineer");
        assertThat(opened.id()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(opened.session().csrf()).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(opened.id());
        assertThat(sessions.find(opened.id())).get().extracting(ConsoleSessionStore.ConsoleSession::csrf).isEqualTo(opened.session().csrf());
        assertThat(count("SELECT count(*) FROM console_sessions WHERE id_hash = '" + opened.id() + "'")).isZero();
        assertThat(sessions.find(opened.id() + "x")).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
        // the role is the token's, read at each request
        sql("UPDATE api_tokens SET role = 'operator' WHERE token_hash = 'hash-of-the-engineer'");
        assertThat(sessions.find(opened.id())).get().extracting(ConsoleSessionStore.ConsoleSession::role).isEqualTo("operator");
    }

    @Test
    void aSessionEndsWhenItExpiresWhenItsOwnerSignsOutAndWhenItsTokenIsRevoked() throws Exception {
        var expiring = sessions.open("hash-of-the-engineer", Duration.ofHours(8));
        var signingOut = sessions.open("hash-of-the-engineer", Duration.ofHours(8));
        var revoked = sessions.open("hash-of-the-operator", Duration.ofHours(8));
        sessions.close(signingOut.id());
        assertThat(sessions.find(signingOut.id())).isEmpty();
        assertThat(sessions.find(expiring.id())).isPresent();
        sql("DELETE FROM api_tokens WHERE token_hash = 'hash-of-the-operator'");
        assertThat(sessions.find(revoked.id())).isEmpty();
        clock.advance(Duration.ofHours(8).minusSeconds(1));
        assertThat(sessions.find(expiring.id())).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(sessions.find(expiring.id())).isEmpty();
        assertThat(sessions.purgeExpired()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM console_sessions")).isZero();
    }

    private void sql(String statement) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(statement)) {
            ps.executeUpdate();
        }
    }

    private long count(String query) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(query); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
