package org.openhes.headend.scheduler.jobs;

/** Told about every finished job (metrics, callbacks). Must not block. */
@FunctionalInterface
public interface JobListener {
    JobListener NONE = (job, result, finish) -> { };

    void finished(ClaimedJob job, JobResult result, JobQueue.Finish finish);
}
