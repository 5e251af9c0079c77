package org.openhes.headend.scheduler.jobs;

import java.util.concurrent.CompletableFuture;

/** Runs one claimed job against a meter, asynchronously: no thread is held while the meter answers. */
@FunctionalInterface
public interface JobHandler {
    CompletableFuture<JobResult> handle(ClaimedJob job);
}
