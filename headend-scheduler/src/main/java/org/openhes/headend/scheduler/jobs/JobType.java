package org.openhes.headend.scheduler.jobs;

/** Kinds of work, with their default priority (lower runs first) and attempts. */
public enum JobType {
    COMMAND(10, 5), ON_DEMAND_READ(20, 3), CLOCK_SYNC(50, 3),
    /** A meter's keys renewed: below commands and reads now, above the daily reads a campaign runs beside. */
    KEY_RENEWAL(60, 6),
    DAILY_READ(100, 5);

    public final int priority;
    public final int maxAttempts;

    JobType(int priority, int maxAttempts) {
        this.priority = priority;
        this.maxAttempts = maxAttempts;
    }
}
