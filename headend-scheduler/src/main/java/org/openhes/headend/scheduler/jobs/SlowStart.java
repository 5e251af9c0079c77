package org.openhes.headend.scheduler.jobs;

import java.time.Duration;

/**
 * How many more jobs the worker may start now, when it leaves an idle spell. A fleet read that took
 * every slot at once would start its sessions together and end them together: for one session's time
 * no slot frees, and a command arriving then (a reconnection after a top-up) waits for the first read
 * to end (measured: slot wait p99 5.6 s at 1 s per exchange, the command's own session p99 10.5 s).
 * Grown over about one session's time (the mean of recent sessions), the running jobs end as evenly
 * as they started, and a slot frees every few milliseconds from then on. Once the room is full the
 * ramp is over and costs nothing; with short sessions it lasts their length.
 *
 * <p>Not thread-safe: the worker's loop is its only caller. Times are {@code System.nanoTime()} values.
 */
final class SlowStart {
    /**
     * Before any session has ended, the ramp lasts this long: of the order of a meter's session over a
     * cellular link (five exchanges of 1 to 2 s). On a fast network the first session to end, well
     * before, replaces the guess.
     */
    static final Duration FIRST_GUESS = Duration.ofSeconds(10);
    /** However slow sessions are, the ramp lasts no longer than this. */
    static final Duration LONGEST = Duration.ofSeconds(30);

    private final int room;
    private final int floor;
    private double meanNanos = FIRST_GUESS.toNanos();
    private boolean measured;
    private long since;

    /**
     * {@code room}: the jobs the worker runs at once; a twentieth of it, and at least 16 (all of a small
     * room: there is nothing to spread), may start at once from idle.
     */
    SlowStart(int room, long now) {
        this.room = room;
        this.floor = Math.max(room / 20, Math.min(room, 16));
        this.since = now;
    }

    /** How many jobs may start now, with {@code running} running. */
    int allowance(long now, int running) {
        if (running < floor) since = now; // idle, or nearly: the next burst ramps from here
        double grown = (now - since) / Math.min(meanNanos, LONGEST.toNanos());
        long cap = grown >= 1 ? room : floor + (long) ((room - floor) * grown);
        return (int) Math.max(0, cap - running);
    }

    /** A job ran this long from its start to its result: the ramp follows the mean of recent ones. */
    void ended(long nanos) {
        meanNanos = measured ? 0.9 * meanNanos + 0.1 * nanos : nanos;
        measured = true;
    }

    Duration ramp() {
        return Duration.ofNanos((long) Math.min(meanNanos, LONGEST.toNanos()));
    }
}
