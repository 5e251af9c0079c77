package org.openhes.headend.api.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.protocol.MeterEndpoint;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.Transport;
import org.openhes.headend.protocol.model.Authentication;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.model.MeterProfiles;
import org.openhes.headend.protocol.model.MeterSecurity;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.protocol.model.Register;
import org.openhes.headend.protocol.pool.PoolSettings;
import org.openhes.headend.protocol.pool.SessionPool;
import org.openhes.headend.protocol.session.InMemoryInvocationCounterStore;
import org.openhes.headend.protocol.session.MeterClient;
import org.openhes.headend.protocol.session.MeterMetadataCache;
import org.openhes.headend.protocol.session.MeterSession;
import org.openhes.headend.protocol.session.SessionEvents;
import org.openhes.headend.protocol.session.Timeouts;
import org.openhes.headend.protocol.transport.MeterConnector;
import org.openhes.headend.protocol.transport.NettyIo;
import org.openhes.headend.protocol.trace.TraceDecoder;
import org.openhes.headend.protocol.trace.TraceJson;
import org.openhes.headend.protocol.trace.TraceText;
import org.openhes.headend.protocol.transport.WireTrace;

/** One session with one meter from the command line: builds the target, runs the work, prints. */
final class OneMeter {
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** Thrown for bad options: picocli prints it as a usage error. */
    static final class BadOption extends RuntimeException {
        BadOption(String message) {
            super(message);
        }
    }

    static MeterTarget target(MeterOptions o) {
        int colon = o.meter.lastIndexOf(':');
        if (colon < 1) throw new BadOption("--meter must be HOST:PORT (was " + o.meter + ")");
        String host = o.meter.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(o.meter.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new BadOption("--meter port must be a number (was " + o.meter + ")");
        }
        try {
            Authentication auth = Authentication.parse(o.auth);
            MeterSecurity security = switch (auth) {
                case NONE -> MeterSecurity.none();
                case LOW -> MeterSecurity.low(o.password);
                case HLS_GMAC -> MeterSecurity.hlsGmac(hex("--system-title", o.systemTitle), hex("--ek", o.ek), hex("--ak", o.ak));
            };
            MeterEndpoint endpoint = new MeterEndpoint(host, port, Transport.parse(o.transport), o.clientSap, o.serverSap, o.hdlcPhysical);
            return new MeterTarget(o.meter, endpoint, security, profile(o));
        } catch (IllegalArgumentException e) {
            throw new BadOption(e.getMessage());
        }
    }

    /** {@code --profile}: a profile's name (shipped, or in {@code --profiles-dir}), or a {@code .profile} file. */
    static MeterProfile profile(MeterOptions o) {
        if (o.profile.endsWith(".profile")) {
            java.nio.file.Path file = java.nio.file.Path.of(o.profile);
            try {
                return MeterProfiles.parse(file.toString(), java.nio.file.Files.readString(file));
            } catch (java.io.IOException e) {
                throw new BadOption("--profile " + o.profile + ": cannot read the file (" + e.getMessage() + ")");
            }
        }
        return MeterProfiles.load(o.profilesDir == null ? null : java.nio.file.Path.of(o.profilesDir)).named(o.profile);
    }

    private static byte[] hex(String option, String value) {
        if (value == null) throw new BadOption(option + " is required with --auth hls-gmac");
        try {
            return HexFormat.of().parseHex(value.trim());
        } catch (IllegalArgumentException e) {
            throw new BadOption(option + " must be hexadecimal (" + e.getMessage() + ")");
        }
    }

    /** Runs {@code work} in one session; prints the trace if asked; returns the value or throws MeterException. */
    static <T> T run(MeterOptions o, String operation, Function<MeterSession, CompletableFuture<T>> work) throws InterruptedException {
        MeterTarget target = target(o);
        Duration response;
        try {
            response = Settings.parseDuration(o.timeout);
        } catch (RuntimeException e) {
            throw new BadOption("--timeout must be a duration such as 10s or 500ms (was " + o.timeout + ")");
        }
        Clock clock = Clock.systemUTC();
        boolean readFirst = o.invocationCounter == null;
        var counters = new InMemoryInvocationCounterStore(o.invocationCounter == null ? 1 : o.invocationCounter);
        try (MeterConnector connector = new MeterConnector(NettyIo.choose("auto"), 1, MeterConnector.DEFAULT_MAX_FRAME, clock);
             SessionPool pool = new SessionPool(new PoolSettings(1, 1, 0, 10))) {
            MeterClient client = new MeterClient(connector, pool, counters, new MeterMetadataCache(),
                    new Timeouts(response, response, response.multipliedBy(20)), clock, SessionEvents.NONE);
            CompletableFuture<MeterClient.Outcome<T>> f = client.withSession(target, operation,
                    new MeterClient.Options(o.trace, readFirst), work);
            try {
                MeterClient.Outcome<T> outcome = f.get();
                if (o.trace) printTrace(o, target, outcome.trace());
                return outcome.value();
            } catch (ExecutionException e) {
                MeterException m = MeterException.find(e);
                if (m != null && o.trace) printTrace(o, target, m.trace()); // a failure is when a field engineer needs the trace most
                if (m != null) throw m;
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** The session's frames deciphered and decoded with its own keys, on stderr: text, or one JSON document with --format json. */
    private static void printTrace(MeterOptions o, MeterTarget target, List<WireTrace.Entry> entries) {
        var frames = TraceDecoder.forSession(target.endpoint().transport(), target.security()).decode(entries);
        if (json(o)) {
            try {
                System.err.println(JSON.writeValueAsString(Map.of("trace", TraceJson.toMaps(frames))));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            System.err.print(TraceText.format(frames));
        }
    }

    static Map<String, Object> register(Register r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("obis", r.obis());
        m.put("value", r.value());
        m.put("unit", r.unit());
        return m;
    }

    static boolean json(MeterOptions o) {
        if (!o.format.equals("json") && !o.format.equals("text")) throw new BadOption("--format must be json or text (was " + o.format + ")");
        return o.format.equals("json");
    }
}
