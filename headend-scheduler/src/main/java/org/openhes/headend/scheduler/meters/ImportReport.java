package org.openhes.headend.scheduler.meters;

import java.util.List;

/** What a bulk import did: how many lines were stored and which were rejected, with the reason. */
public record ImportReport(int accepted, List<Rejection> rejected) {
    public record Rejection(int line, String reason) {
    }

    public ImportReport {
        rejected = List.copyOf(rejected);
    }
}
