package org.openhes.headend.scheduler.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.openhes.headend.scheduler.MutableClock;
import org.openhes.headend.scheduler.TestDatabase;

/**
 * The health the node keeps: checked on a connection of its own against a real PostgreSQL; marked
 * away by a request only for a connection failure (not a busy pool, not a bad statement); stale when
 * the checker stops; times from the injected clock.
 */
class DatabaseHealthTest {
    @Test
    void aCheckAgainstARealServerIsUpAndAProbeThatCannotConnectIsDownUntilItConnectsAgain() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
        AtomicBoolean away = new AtomicBoolean();
        AtomicReference<Connection> kept = new AtomicReference<>();
        try (Database db = TestDatabase.create();
             DatabaseHealth health = DatabaseHealth.start(timeout -> {
                 if (away.get()) throw new SQLException("Connection refused", "08001");
                 kept.set(db.openProbe(timeout));
                 return kept.get();
             }, clock, Duration.ofMillis(100), Duration.ofSeconds(1))) {
            await(() -> kept.get() != null && health.state().checkedAt().equals(clock.instant()));
            assertThat(health.state().up()).isTrue();

            clock.advance(Duration.ofSeconds(1));
            away.set(true);
            kept.get().close(); // the server dropped the check's connection, and refuses new ones
            // a check under way on the connection just closed reports "did not answer" first (seen on a loaded
            // host); the next check, 100 ms later, meets the refusal: the state stays down from the same instant
            await(() -> !health.state().up() && String.valueOf(health.state().problem()).contains("Connection refused"));
            assertThat(health.state().since()).isEqualTo(Instant.parse("2026-12-03T10:00:01Z"));
            assertThat(health.state().problem()).contains("Connection refused");

            clock.advance(Duration.ofSeconds(5));
            away.set(false);
            await(() -> health.state().up());
            assertThat(health.state().since()).isEqualTo(Instant.parse("2026-12-03T10:00:06Z"));
        }
    }

    @Test
    void aRequestThatFindsTheDatabaseAwayMarksItAtOnceAndOtherFailuresDoNot() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
        try (DatabaseHealth health = DatabaseHealth.start(timeout -> {
            throw new SQLException("never called", "08001");
        }, clock, Duration.ofHours(1), Duration.ofSeconds(1))) {
            assertThat(health.reportFailure(new RuntimeException(new SQLException("duplicate key value", "23505")))).isFalse();
            assertThat(health.state().up()).isTrue();
            clock.advance(Duration.ofSeconds(2));
            assertThat(health.reportFailure(new RuntimeException(new SQLException("terminating connection", "57P01")))).isTrue();
            assertThat(health.state().up()).isFalse();
            assertThat(health.state().since()).isEqualTo(Instant.parse("2026-12-03T10:00:02Z"));
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("in time").isLessThan(until);
            Thread.sleep(20);
        }
    }

    @Test
    void onlyConnectionFailuresSayTheDatabaseIsAway() {
        assertThat(away(new SQLException("Connection to localhost:5432 refused", "08001"))).isTrue();
        assertThat(away(new RuntimeException(new SQLException("shutting down", "57P01")))).isTrue();
        // HikariCP's timeout with the last connection failure as its cause: the database is away
        assertThat(away(new SQLTransientConnectionException("headend - Connection is not available",
                "08001", new SQLException("refused", "08001")))).isTrue();
        // the same timeout when all connections were only busy: nothing is known of the database
        assertThat(away(new SQLTransientConnectionException("headend - Connection is not available, "
                + "request timed out after 5000ms"))).isFalse();
        assertThat(away(new SQLException("duplicate key value", "23505"))).isFalse();
        assertThat(away(new IllegalStateException("a bug"))).isFalse();
    }

    private static boolean away(Throwable e) {
        return DatabaseHealth.connectionFailure(e) != null;
    }

    @Test
    void aCheckerThatStoppedMakesTheStateStale() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
        // an interval so long that no check runs in this test: the state only ages
        try (DatabaseHealth health = DatabaseHealth.start(timeout -> {
            throw new SQLException("never called", "08001");
        }, clock, Duration.ofHours(1), Duration.ofSeconds(1))) {
            assertThat(health.stale()).isFalse();
            clock.advance(Duration.ofHours(3));
            assertThat(health.stale()).isFalse();
            clock.advance(Duration.ofSeconds(3));
            assertThat(health.stale()).as("older than 3 intervals and 2 timeouts").isTrue();
            assertThat(health.retryAfter()).isEqualTo(Duration.ofHours(2));
        }
    }
}
