package org.openhes.headend.scheduler.meters;

import java.util.Map;

/** A registered meter: identity, how to reach it, its labels (e.g. {@code cell}). No secrets. */
public record Meter(String id, String serial, String host, int port, String transport, int clientSap, int serverSap,
                    int hdlcPhysical, String auth, String systemTitle, String profile, String status,
                    Map<String, String> labels) {
    public Meter {
        labels = Map.copyOf(labels);
    }
}
