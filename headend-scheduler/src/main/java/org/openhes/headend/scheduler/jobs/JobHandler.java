package org.openhes.headend.scheduler.jobs;

import java.util.concurrent.CompletableFuture;

/** Runs one claimed job against a meter, asynchronously: no thread is held while the meter answers. */
public interface JobHandler {
    CompletableFuture<JobResult> handle(ClaimedJob job);

    /**
     * Runs a job that joins the session of its meter's running job ({@link ClaimedJob#ridesOn()}); by
     * default as a job of its own.
     */
    default CompletableFuture<JobResult> handleRider(ClaimedJob rider) {
        return handle(rider);
    }

    /** Called with each claimed batch before its jobs are handled: a chance to load what they need at once. */
    default void prepare(java.util.List<ClaimedJob> jobs) {
    }
}
