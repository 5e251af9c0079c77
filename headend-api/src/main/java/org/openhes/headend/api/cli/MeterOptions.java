package org.openhes.headend.api.cli;

import picocli.CommandLine.Option;

/** How to reach and authenticate to one meter; shared by {@code read} and {@code command}. */
public final class MeterOptions {
    @Option(names = "--meter", required = true, paramLabel = "HOST:PORT", description = "The meter's address, e.g. 127.1.0.1:4059.")
    String meter;

    @Option(names = "--transport", defaultValue = "wrapper", description = "wrapper or hdlc (default: ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--client-sap", defaultValue = "1", description = "Client SAP: 1 management, 16 public (default: ${DEFAULT-VALUE}).")
    int clientSap;

    @Option(names = "--server-sap", defaultValue = "1", description = "Server SAP / logical device (default: ${DEFAULT-VALUE}).")
    int serverSap;

    @Option(names = "--hdlc-physical", defaultValue = "0", description = "HDLC physical server address (HDLC only; default: ${DEFAULT-VALUE}).")
    int hdlcPhysical;

    @Option(names = "--auth", defaultValue = "hls-gmac", description = "none, low or hls-gmac (default: ${DEFAULT-VALUE}).")
    String auth;

    @Option(names = "--password", description = "LLS password (with --auth low).")
    String password;

    @Option(names = "--ek", paramLabel = "HEX", description = "Global unicast encryption key, 32 hex digits.")
    String ek;

    @Option(names = "--ak", paramLabel = "HEX", description = "Authentication key, 32 hex digits.")
    String ak;

    @Option(names = "--system-title", paramLabel = "HEX", defaultValue = "4F48450000000001",
            description = "The head-end's (client) system title, 16 hex digits (default: ${DEFAULT-VALUE}).")
    String systemTitle;

    @Option(names = "--invocation-counter", description = "Next invocation counter to use; without it a ciphered session first reads the meter's counter through the public client.")
    Long invocationCounter;

    @Option(names = "--profile", defaultValue = "emucs",
            description = "Meter profile naming the OBIS codes: a name (shipped or in --profiles-dir) or a .profile file (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--profiles-dir", paramLabel = "DIR", description = "Directory of *.profile files (as the setting profiles.dir).")
    String profilesDir;

    @Option(names = "--timeout", defaultValue = "10s", description = "Response timeout per exchange (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--trace", description = "Print the session's frames on stderr, deciphered and decoded (secrets masked), also when it fails; JSON with --format json.")
    boolean trace;

    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    String format;
}
