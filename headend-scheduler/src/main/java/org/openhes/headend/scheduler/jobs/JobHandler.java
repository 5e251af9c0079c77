package org.openhes.headend.scheduler.jobs;

import java.util.concurrent.CompletableFuture;

/** Runs one claimed job against a meter, asynchronously: no thread is held while the meter answers. */
public interface JobHandler {
    CompletableFuture<JobResult> handle(ClaimedJob job);

    /** Called with each claimed batch before its jobs are handled: a chance to load what they need at once. */
    default void prepare(java.util.List<ClaimedJob> jobs) {
    }
}
