package org.openhes.headend.scheduler.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the node knows of its database, kept so that nobody waits to learn it: a check every
 * {@code interval} on one connection outside the pool (opened again when it breaks, each step bounded
 * by {@code timeout}), and any request that found the database away. Readiness answers from
 * {@link #state()}; requests that need the database are refused at once while it is away.
 */
public final class DatabaseHealth implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DatabaseHealth.class);

    /**
     * @param up        whether the database answered the last check (and no request found it away since)
     * @param checkedAt when that was learnt
     * @param since     since when it has been so
     * @param problem   why it is away (null when up)
     */
    public record State(boolean up, Instant checkedAt, Instant since, String problem) {
    }

    /** Opens a connection for the check, failing within about the given timeout. */
    public interface Probe {
        Connection open(Duration timeout) throws SQLException;
    }

    private final Probe probe;
    private final InstantSource clock;
    private final Duration interval;
    private final Duration timeout;
    private final ScheduledExecutorService timer;
    private volatile State state;
    private Connection connection; // only the timer thread touches it

    private DatabaseHealth(Probe probe, InstantSource clock, Duration interval, Duration timeout) {
        this.probe = probe;
        this.clock = clock;
        this.interval = interval;
        this.timeout = timeout;
        Instant now = clock.instant();
        this.state = new State(true, now, now, null); // the node has just migrated the schema
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "db-health");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts checking every {@code interval}, each check bounded by {@code timeout}. */
    public static DatabaseHealth start(Probe probe, InstantSource clock, Duration interval, Duration timeout) {
        DatabaseHealth h = new DatabaseHealth(probe, clock, interval, timeout);
        h.timer.scheduleWithFixedDelay(h::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return h;
    }

    public State state() {
        return state;
    }

    /** True when the last check is older than a few intervals and timeouts: the checker itself is stuck. */
    public boolean stale() {
        Duration age = Duration.between(state.checkedAt(), clock.instant());
        return age.compareTo(interval.multipliedBy(3).plus(timeout.multipliedBy(2))) > 0;
    }

    /** How long a refused client should wait: a couple of checks. */
    public Duration retryAfter() {
        return interval.multipliedBy(2).compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : interval.multipliedBy(2);
    }

    /**
     * A request found the database away: it counts as down until the next check says otherwise.
     * Returns true when {@code e} is such a failure (no connection, connection lost, server shutting
     * down); other SQL errors say nothing of the database's health.
     */
    public boolean reportFailure(Throwable e) {
        SQLException sql = connectionFailure(e);
        if (sql == null) return false;
        down(sql.getMessage());
        return true;
    }

    /**
     * The connection failure (SQLSTATE class 08, or 57P: the server shutting down) in a chain. A pool
     * that timed out only because all its connections were busy says nothing of the database: HikariCP
     * gives the last connection failure as the cause when there was one.
     */
    static SQLException connectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) return s;
        }
        return null;
    }

    private void check() {
        try {
            if (connection == null || connection.isClosed()) connection = probe.open(timeout);
            int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
            if (!connection.isValid(seconds)) throw new SQLException("the database did not answer within " + timeout);
            up();
        } catch (SQLException | RuntimeException e) {
            closeConnection();
            down(e.getMessage());
        }
    }

    private void up() {
        Instant now = clock.instant();
        State was = state;
        state = new State(true, now, was.up() ? was.since() : now, null);
        if (!was.up()) log.warn("the database is back after {} s", Duration.between(was.since(), now).toSeconds());
    }

    private void down(String problem) {
        Instant now = clock.instant();
        State was = state;
        state = new State(false, now, was.up() ? now : was.since(), problem == null ? "no answer" : problem);
        if (was.up()) log.warn("the database is away ({}): requests that need it are refused with 503 until it answers again", problem);
    }

    private void closeConnection() {
        if (connection == null) return;
        try {
            connection.close();
        } catch (SQLException ignored) {
            // it is broken anyway
        }
        connection = null;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }
}
