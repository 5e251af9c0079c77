package org.openhes.headend.protocol.session;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXDLMSClient;
import gurux.dlms.GXDLMSConfirmedServiceError;
import gurux.dlms.GXDLMSException;
import gurux.dlms.GXDLMSExceptionResponse;
import gurux.dlms.GXDateTime;
import gurux.dlms.GXReplyData;
import gurux.dlms.enums.AssociationResult;
import gurux.dlms.enums.Conformance;
import gurux.dlms.enums.DataType;
import gurux.dlms.enums.ErrorCode;
import gurux.dlms.enums.ExceptionServiceError;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.enums.ObjectType;
import gurux.dlms.enums.Security;
import gurux.dlms.enums.SourceDiagnostic;
import gurux.dlms.objects.GXDLMSCaptureObject;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSDisconnectControl;
import gurux.dlms.objects.GXDLMSLimiter;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import gurux.dlms.secure.GXDLMSSecureClient;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Map.Entry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import javax.crypto.AEADBadTagException;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.Transport;
import org.openhes.headend.protocol.apdu.MalformedApdu;
import org.openhes.headend.protocol.apdu.ReplyGuard;
import org.openhes.headend.protocol.model.Authentication;
import org.openhes.headend.protocol.model.BreakerState;
import org.openhes.headend.protocol.model.CommandOutcome;
import org.openhes.headend.protocol.model.CommandResult;
import org.openhes.headend.protocol.model.ControlState;
import org.openhes.headend.protocol.model.IndexReading;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.protocol.model.Register;
import org.openhes.headend.protocol.transport.MeterLink;

/**
 * One association with one meter, over one {@link MeterLink}: the domain operations the head-end
 * needs, each a chain of asynchronous request/response steps. This class and its package are the only
 * places that speak Gurux. Not thread-safe: a session runs one operation at a time (the futures chain
 * them), which is how the pool uses it.
 */
public final class MeterSession {
    /** Counters reserved per trip to the store; a daily read uses about five. */
    static final int COUNTER_BLOCK = 32;
    /** Reserve more when fewer than this many remain (one request may need several APDUs). */
    static final int COUNTER_MARGIN = 8;
    public static final long MIN_POWER_LIMIT_W = 100, MAX_POWER_LIMIT_W = 100_000;

    private final MeterTarget target;
    private final MeterLink link;
    private final Client client;
    private final ReplyGuard guard;
    private final InvocationCounterStore counters;
    private final MeterMetadataCache cache;
    private final Timeouts timeouts;
    private final InstantSource clock;
    private final String meter;
    private long counterBlockEnd;
    private boolean associated;
    /** The step in progress, so that a failure anywhere in an operation names it. */
    private volatile String step = "associate";

    MeterSession(MeterTarget target, MeterLink link, InvocationCounterStore counters, MeterMetadataCache cache,
                 Timeouts timeouts, InstantSource clock) {
        this.target = target;
        this.link = link;
        this.counters = counters;
        this.cache = cache;
        this.timeouts = timeouts;
        this.clock = clock;
        this.meter = target.label();
        var ep = target.endpoint();
        boolean hdlc = ep.transport() == Transport.HDLC;
        int serverAddress = hdlc ? GXDLMSClient.getServerAddress(ep.serverSap(), ep.hdlcPhysical(), 0) : ep.serverSap();
        var sec = target.security();
        this.client = new Client(true, ep.clientSap(), serverAddress, guruxAuthentication(sec.authentication()),
                sec.authentication() == Authentication.LOW ? sec.password() : null,
                hdlc ? InterfaceType.HDLC : InterfaceType.WRAPPER);
        if (sec.ciphered()) {
            client.getCiphering().setSecurity(Security.AUTHENTICATION_ENCRYPTION);
            client.getCiphering().setSystemTitle(sec.clientSystemTitle());
            client.getCiphering().setBlockCipherKey(sec.encryptionKey());
            client.getCiphering().setAuthenticationKey(sec.authenticationKey());
        }
        this.guard = new ReplyGuard(hdlc,
                sec.ciphered() ? new ReplyGuard.Keys(sec.encryptionKey(), sec.authenticationKey(), client::getSourceSystemTitle) : null,
                client::answeringGetWithList);
    }

    /** Gurux's client, with the one piece of its state the reply guard needs. */
    private static final class Client extends GXDLMSSecureClient {
        Client(boolean ln, int clientAddress, int serverAddress, gurux.dlms.enums.Authentication auth, String password,
               InterfaceType type) {
            super(ln, clientAddress, serverAddress, auth, password, type);
        }

        /** Gurux's GetCommandType.WITH_LIST (package-private there): the get-request-with-list choice. */
        private static final int GET_WITH_LIST = 3;

        /** Whether the request being answered was a GET-with-list (how Gurux reads data put together from blocks). */
        boolean answeringGetWithList() {
            return getSettings().getCommand() == gurux.dlms.enums.Command.GET_REQUEST
                    && getSettings().getCommandType() == GET_WITH_LIST;
        }
    }

    private static gurux.dlms.enums.Authentication guruxAuthentication(Authentication a) {
        return switch (a) {
            case NONE -> gurux.dlms.enums.Authentication.NONE;
            case LOW -> gurux.dlms.enums.Authentication.LOW;
            case HLS_GMAC -> gurux.dlms.enums.Authentication.HIGH_GMAC;
        };
    }

    public MeterTarget target() {
        return target;
    }

    public MeterProfile profile() {
        return target.profile();
    }

    // ---------------------------------------------------------------- association

    /** HDLC link set-up (SNRM/UA) when needed, AARQ/AARE, and HLS pass 3/4 for HLS5-GMAC. */
    CompletableFuture<Void> open() {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        if (target.endpoint().transport() == Transport.HDLC) {
            chain = chain.thenCompose(v -> plain("associate SNRM", () -> new byte[][] {client.snrmRequest()}))
                    .thenAccept(reply -> {
                        try {
                            client.parseUAResponse(reply.getData());
                        } catch (RuntimeException e) {
                            throw translate("associate UA", e);
                        }
                    });
        }
        return chain
                .thenCompose(v -> ciphered("associate AARQ", client::aarqRequest))
                .thenAccept(reply -> parseAare(reply))
                .thenCompose(v -> {
                    if (!client.getIsAuthenticationRequired()) return CompletableFuture.completedFuture(null);
                    return ciphered("associate HLS pass 3", client::getApplicationAssociationRequest)
                            .thenAccept(reply -> {
                                try {
                                    client.parseApplicationAssociationResponse(reply.getData());
                                } catch (Exception e) {
                                    if (corrupted(e)) throw translate("associate HLS pass 4", e);
                                    throw new MeterException(MeterFailureKind.AUTHENTICATION_FAILED, meter,
                                            "associate HLS pass 4", "the meter's answer to the challenge does not verify with these keys", e);
                                }
                            });
                })
                .thenRun(() -> associated = true)
                .handle((v, e) -> {
                    if (e != null) throw failure(e);
                    return null;
                });
    }

    private void parseAare(GXReplyData reply) {
        try {
            client.parseAareResponse(reply.getData());
        } catch (GXDLMSException e) {
            throw aareFailure(e);
        } catch (RuntimeException e) {
            throw translate("associate AARE", e);
        }
    }

    /** Any failure of an operation, as the vocabulary's exception naming the step in progress. */
    MeterException failure(Throwable e) {
        return asMeterException(step, e);
    }

    private MeterException aareFailure(GXDLMSException e) {
        AssociationResult result = e.getResult();
        if (result != null && result != AssociationResult.ACCEPTED) {
            if (e.getDiagnostic() == SourceDiagnostic.AUTHENTICATION_FAILURE.getValue()
                    || e.getDiagnostic() == SourceDiagnostic.AUTHENTICATION_REQUIRED.getValue()) {
                return new MeterException(MeterFailureKind.AUTHENTICATION_FAILED, meter, "associate AARE",
                        "the meter refused the credentials", e);
            }
            return new MeterException(MeterFailureKind.ASSOCIATION_REJECTED, meter, "associate AARE",
                    result.name().toLowerCase(Locale.ROOT) + ", diagnostic " + e.getDiagnostic(), e);
        }
        return new MeterException(MeterFailureKind.ASSOCIATION_REJECTED, meter, "associate AARE", e.getMessage(), e);
    }

    /**
     * RLRQ, then DISC on HDLC, each waiting for one answer frame whose content is not checked: the
     * connection is closed right after, and some meters answer a release in ways the codec does not
     * accept. Failures are ignored for the same reason.
     */
    CompletableFuture<Void> release() {
        if (!associated || !link.isOpen()) return CompletableFuture.completedFuture(null);
        associated = false;
        CompletableFuture<Void> chain = ensureCounters("release").thenCompose(v -> sendOnce("release", client::releaseRequest));
        if (target.endpoint().transport() == Transport.HDLC) {
            chain = chain.thenCompose(v -> sendOnce("disconnect DISC", () -> new byte[][] {client.disconnectRequest(true)}));
        }
        return chain.handle((v, e) -> null);
    }

    private CompletableFuture<Void> sendOnce(String step, Frames frames) {
        byte[][] out;
        try {
            out = frames.build();
        } catch (Exception e) {
            return CompletableFuture.failedFuture(translate(step, e));
        }
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (byte[] frame : out) {
            if (frame == null || frame.length == 0) continue;
            chain = chain.thenCompose(v -> link.request(step, frame, timeouts.response()).thenApply(b -> null));
        }
        return chain;
    }

    // ---------------------------------------------------------------- reads

    /** The four index registers of the meter profile, scaled, as the meter has them now. */
    public CompletableFuture<IndexReading> readIndexes() {
        List<String> obis = profile().indexRegisters();
        Instant at = clock.instant();
        return valuesWithScalers(obis, ObjectType.REGISTER).thenApply(values -> {
            List<Register> regs = new ArrayList<>(obis.size());
            for (int k = 0; k < obis.size(); k++) regs.add(scale(obis.get(k), values.get(k)));
            return new IndexReading(at, regs);
        });
    }

    /**
     * The value (attribute 2) of each register; when their scaler_unit is not cached yet, it comes in
     * the same GET-with-list (one round trip instead of two).
     */
    private CompletableFuture<List<Object>> valuesWithScalers(List<String> obis, ObjectType type) {
        List<String> missing = new ArrayList<>();
        for (String o : obis) if (cache.scaler(target.meterId(), o) == null) missing.add(o);
        if (missing.isEmpty() || !client.getNegotiatedConformance().contains(Conformance.MULTIPLE_REFERENCES)) {
            return scalers(obis, type).thenCompose(v -> readValues(obis, type, 2));
        }
        List<Entry<GXDLMSObject, Integer>> items = new ArrayList<>();
        for (String code : obis) items.add(new SimpleEntry<>(object(type, code), 2));
        for (String code : missing) items.add(new SimpleEntry<>(object(type, code), 3));
        return readItems(items).thenApply(values -> {
            storeScalers(missing, values.subList(obis.size(), values.size()));
            return values.subList(0, obis.size());
        });
    }

    private static GXDLMSObject object(ObjectType type, String obis) {
        GXDLMSObject o = GXDLMSClient.createObject(type);
        o.setLogicalName(ln(obis));
        return o;
    }

    /**
     * Rows of the daily profile captured from local midnight of {@code from} to local midnight of
     * {@code to}, both included, each with the profile's register columns scaled.
     */
    public CompletableFuture<List<IndexReading>> readDailyIndexes(LocalDate from, LocalDate to, ZoneId zone) {
        if (to.isBefore(from)) {
            return CompletableFuture.failedFuture(new MeterException(MeterFailureKind.INVALID_REQUEST, meter,
                    "read daily profile", "from " + from + " is after to " + to));
        }
        String obis = profile().dailyProfile();
        GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(ln(obis));
        return captureObjects(pg, obis).thenCompose(cols -> rowsByRange(pg, cols, obis, from, to, zone));
    }

    /** The rows from {@code from} to {@code to} of a profile whose columns are known (scalers read first if missing). */
    private CompletableFuture<List<IndexReading>> rowsByRange(GXDLMSProfileGeneric pg, List<MeterMetadataCache.Column> cols,
                                                             String obis, LocalDate from, LocalDate to, ZoneId zone) {
        Date start = Date.from(from.atStartOfDay(zone).toInstant());
        Date end = Date.from(to.atStartOfDay(zone).toInstant());
        return scalers(registerColumns(cols), ObjectType.REGISTER)
                .thenCompose(v -> ciphered("GET " + obis + "/2 by range", () -> client.readRowsByRange(pg, start, end)))
                .thenApply(reply -> {
                    client.updateValue(pg, 2, reply.getValue());
                    List<IndexReading> rows = new ArrayList<>();
                    for (Object row : pg.getBuffer()) rows.add(profileRow(cols, (Object[]) row));
                    return rows;
                });
    }

    private IndexReading profileRow(List<MeterMetadataCache.Column> cols, Object[] row) {
        Instant captured = null;
        List<Register> regs = new ArrayList<>();
        for (int k = 0; k < cols.size() && k < row.length; k++) {
            var c = cols.get(k);
            if (c.classId() == 8 && row[k] instanceof GXDateTime t) captured = t.getMeterCalendar().toInstant();
            else if (c.classId() == 3 || c.classId() == 4) regs.add(scale(c.obis(), row[k]));
        }
        if (captured == null) {
            throw new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, "read daily profile",
                    "a profile row has no clock column");
        }
        return new IndexReading(captured, regs);
    }

    /** The gas index (M-Bus channel 1 extended register), scaled. */
    public CompletableFuture<Register> readGasIndex() {
        String obis = profile().gasIndex();
        return valuesWithScalers(List.of(obis), ObjectType.EXTENDED_REGISTER).thenApply(values -> scale(obis, values.get(0)));
    }

    /** The gas index and the meter's clock, read together. */
    public record GasAndClock(Register gas, Instant meterClock, Instant readAt) {
        /** How far the meter's clock is from the head-end's when it was read (positive: the meter is ahead). */
        public java.time.Duration drift() {
            return java.time.Duration.between(readAt, meterClock);
        }
    }

    /**
     * The gas index and the clock in one GET-with-list (with the gas register's scaler_unit when it is
     * not cached): the clock check of a daily read costs no extra round trip.
     */
    public CompletableFuture<GasAndClock> readGasIndexAndClock() {
        String gas = profile().gasIndex(), clockObis = profile().clock();
        if (!client.getNegotiatedConformance().contains(Conformance.MULTIPLE_REFERENCES)) {
            return readGasIndex().thenCompose(g -> readClock().thenApply(c -> new GasAndClock(g, c, clock.instant())));
        }
        boolean needScaler = cache.scaler(target.meterId(), gas) == null;
        List<Entry<GXDLMSObject, Integer>> items = new ArrayList<>();
        items.add(new SimpleEntry<>(object(ObjectType.EXTENDED_REGISTER, gas), 2));
        GXDLMSClock c = new GXDLMSClock(ln(clockObis));
        items.add(new SimpleEntry<>(c, 2));
        if (needScaler) items.add(new SimpleEntry<>(object(ObjectType.EXTENDED_REGISTER, gas), 3));
        return readItems(items).thenApply(values -> {
            Instant at = clock.instant();
            if (needScaler) storeScalers(List.of(gas), List.of(values.get(2)));
            client.updateValue(c, 2, values.get(1));
            return new GasAndClock(scale(gas, values.get(0)), c.getTime().getMeterCalendar().toInstant(), at);
        });
    }

    /** A daily read: the profile rows, and the gas index with the clock (null when the meter did not give them). */
    public record DailyRead(List<IndexReading> rows, GasAndClock gasAndClock) {
    }

    /**
     * What {@link #readDailyIndexes} and then {@link #readGasIndexAndClock} read, in fewer round trips:
     * the gas index, the clock, and whatever metadata is not cached yet (the profile's capture objects,
     * the scaler_units of the registers the profile is expected to hold, the gas scaler_unit) go in one
     * GET-with-list, then the rows by range. A meter seen for the first time costs two requests instead
     * of four. A gas index or clock the meter refuses leaves {@code gasAndClock} null, as before; a
     * refused metadata attribute, or a meter without GET-with-list, takes the request-by-request path.
     */
    public CompletableFuture<DailyRead> readDaily(LocalDate from, LocalDate to, ZoneId zone) {
        if (to.isBefore(from) || !client.getNegotiatedConformance().contains(Conformance.MULTIPLE_REFERENCES)) {
            return readDailySequentially(from, to, zone);
        }
        String profileObis = profile().dailyProfile(), gas = profile().gasIndex();
        List<MeterMetadataCache.Column> cachedColumns = cache.columns(target.meterId(), profileObis);
        GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(ln(profileObis));
        GXDLMSClock c = new GXDLMSClock(ln(profile().clock()));
        List<Entry<GXDLMSObject, Integer>> items = new ArrayList<>();
        items.add(new SimpleEntry<>(object(ObjectType.EXTENDED_REGISTER, gas), 2));
        items.add(new SimpleEntry<>(c, 2));
        int metadataFrom = items.size();
        boolean gasScaler = cache.scaler(target.meterId(), gas) == null;
        if (gasScaler) items.add(new SimpleEntry<>(object(ObjectType.EXTENDED_REGISTER, gas), 3));
        if (cachedColumns == null) items.add(new SimpleEntry<>(pg, 3));
        // the columns are not known before the capture objects are read: ask for the scalers of the
        // profile's registers now; a profile with other columns costs one request more, below
        List<String> expected = cachedColumns != null ? registerColumns(cachedColumns) : profile().indexRegisters();
        List<String> scalersAsked = new ArrayList<>();
        for (String o : expected) if (cache.scaler(target.meterId(), o) == null) scalersAsked.add(o);
        for (String o : scalersAsked) items.add(new SimpleEntry<>(object(ObjectType.REGISTER, o), 3));
        String step = "GET " + describe(items);
        return readList(step, items).thenCompose(values -> {
            for (int k = metadataFrom; k < values.size(); k++) {
                if (values.get(k) instanceof ErrorCode) return readDailySequentially(from, to, zone);
            }
            Instant at = clock.instant();
            int k = metadataFrom;
            if (gasScaler) storeScalers(List.of(gas), java.util.Collections.singletonList(values.get(k++)));
            List<MeterMetadataCache.Column> cols = cachedColumns;
            if (cols == null) cols = storeColumns(pg, profileObis, step, values.get(k++));
            else addCaptureObjects(pg, cols);
            storeScalers(scalersAsked, values.subList(k, k + scalersAsked.size()));
            GasAndClock gasAndClock = null;
            if (!(values.get(0) instanceof ErrorCode) && !(values.get(1) instanceof ErrorCode)) {
                try {
                    client.updateValue(c, 2, values.get(1));
                    gasAndClock = new GasAndClock(scale(gas, values.get(0)), c.getTime().getMeterCalendar().toInstant(), at);
                } catch (RuntimeException unreadable) {
                    // as on the request-by-request path: the rows are kept without gas and clock
                }
            }
            GasAndClock gc = gasAndClock;
            return rowsByRange(pg, cols, profileObis, from, to, zone).thenApply(rows -> new DailyRead(rows, gc));
        }).exceptionallyCompose(e -> {
            MeterException m = MeterException.find(e);
            // a meter that refuses the list as a whole: one request per item, as meters without lists
            if (m != null && (m.kind() == MeterFailureKind.OBJECT_UNAVAILABLE || m.kind() == MeterFailureKind.ACCESS_DENIED)
                    && m.step() != null && m.step().equals(step)) {
                return readDailySequentially(from, to, zone);
            }
            return CompletableFuture.failedFuture(e);
        });
    }

    private CompletableFuture<DailyRead> readDailySequentially(LocalDate from, LocalDate to, ZoneId zone) {
        return readDailyIndexes(from, to, zone).thenCompose(rows -> readGasIndexAndClock()
                .handle((gc, e) -> new DailyRead(rows, e == null ? gc : null)));
    }

    private static List<String> registerColumns(List<MeterMetadataCache.Column> cols) {
        List<String> out = new ArrayList<>();
        for (var c : cols) if (c.classId() == 3 || c.classId() == 4) out.add(c.obis());
        return out;
    }

    /** The meter's clock. */
    public CompletableFuture<Instant> readClock() {
        GXDLMSClock c = new GXDLMSClock(ln(profile().clock()));
        return ciphered("GET " + profile().clock() + "/2", () -> client.read(c, 2)).thenApply(reply -> {
            client.updateValue(c, 2, reply.getValue());
            return c.getTime().getMeterCalendar().toInstant();
        });
    }

    /** Sets the meter's clock and returns the time read back. */
    public CompletableFuture<Instant> setClock(Instant time) {
        GXDLMSClock c = new GXDLMSClock(ln(profile().clock()));
        c.setTime(new GXDateTime(Date.from(time)));
        return ciphered("SET " + profile().clock() + "/2", () -> client.write(c, 2)).thenCompose(r -> readClock());
    }

    // ---------------------------------------------------------------- commands

    /** Opens the breaker (remote_disconnect) and reads the disconnector back. */
    public CompletableFuture<CommandResult> disconnect() {
        return disconnectorMethod(1, "disconnect");
    }

    /** Closes the breaker (remote_reconnect) and reads the disconnector back. */
    public CompletableFuture<CommandResult> reconnect() {
        return disconnectorMethod(2, "reconnect");
    }

    private CompletableFuture<CommandResult> disconnectorMethod(int method, String name) {
        GXDLMSDisconnectControl d = new GXDLMSDisconnectControl(ln(profile().disconnector()));
        return ciphered("ACTION " + profile().disconnector() + "/" + method, () -> client.method(d, method, 0, DataType.INT8))
                .thenCompose(r -> readBreaker())
                .thenApply(state -> {
                    CommandOutcome outcome;
                    if (method == 1) {
                        outcome = !state.outputState() && state.controlState() == ControlState.DISCONNECTED
                                ? CommandOutcome.SUCCEEDED : CommandOutcome.NOT_APPLIED;
                    } else {
                        outcome = state.outputState() && state.controlState() == ControlState.CONNECTED ? CommandOutcome.SUCCEEDED
                                : state.controlState() == ControlState.READY_FOR_RECONNECTION ? CommandOutcome.READY_FOR_RECONNECTION
                                : CommandOutcome.NOT_APPLIED;
                    }
                    return new CommandResult(name, outcome, Map.of("outputState", state.outputState(),
                            "controlState", state.controlState().name()));
                });
    }

    /** output_state and control_state of the disconnector. */
    public CompletableFuture<BreakerState> readBreaker() {
        String obis = profile().disconnector();
        return readAttributes(ObjectType.DISCONNECT_CONTROL, obis, List.of(2, 3)).thenApply(v -> {
            if (!(v.get(0) instanceof Boolean on) || !(v.get(1) instanceof Number cs)) {
                throw new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, "GET " + obis + "/2,3",
                        "output_state/control_state have unexpected types " + v);
            }
            return new BreakerState(on, ControlState.of(cs.intValue()));
        });
    }

    /**
     * Sets the limiter's threshold_normal to {@code watts}, encoded in the attribute's own type and in
     * the monitored value's scaler, then reads it back. 0 clears the limit.
     */
    public CompletableFuture<CommandResult> setPowerLimit(long watts) {
        if (watts != 0 && (watts < MIN_POWER_LIMIT_W || watts > MAX_POWER_LIMIT_W)) {
            return CompletableFuture.failedFuture(new MeterException(MeterFailureKind.INVALID_REQUEST, meter, "set power limit",
                    "power limit must be between " + MIN_POWER_LIMIT_W + " and " + MAX_POWER_LIMIT_W + " W (was " + watts + ")"));
        }
        String obis = profile().limiter();
        String power = profile().activePower();
        GXDLMSLimiter limiter = new GXDLMSLimiter(ln(obis));
        String name = watts == 0 ? "clear-power-limit" : "set-power-limit";
        return scalers(List.of(power), ObjectType.REGISTER)
                .thenCompose(v -> ciphered("GET " + obis + "/4", () -> client.read(limiter, 4)))
                .thenCompose(current -> {
                    DataType type = current.getValueType() == null || current.getValueType() == DataType.NONE
                            ? DataType.UINT32 : current.getValueType();
                    int scaler = cache.scaler(target.meterId(), power).scaler();
                    long raw = BigDecimal.valueOf(watts).scaleByPowerOfTen(-scaler).longValueExact();
                    limiter.setDataType(4, type);
                    limiter.setThresholdNormal(raw);
                    return ciphered("SET " + obis + "/4", () -> client.write(limiter, 4));
                })
                .thenCompose(r -> readPowerLimit())
                .thenApply(readBack -> new CommandResult(name, readBack == watts ? CommandOutcome.SUCCEEDED : CommandOutcome.NOT_APPLIED,
                        Map.of("thresholdWatts", readBack)));
    }

    /** Removes the power limit (threshold 0 = no limit) and reads it back. */
    public CompletableFuture<CommandResult> clearPowerLimit() {
        return setPowerLimit(0);
    }

    /** The limiter's threshold_normal in watts (0 = no limit). */
    public CompletableFuture<Long> readPowerLimit() {
        String obis = profile().limiter();
        String power = profile().activePower();
        return scalers(List.of(power), ObjectType.REGISTER)
                .thenCompose(v -> readAttributes(ObjectType.LIMITER, obis, List.of(4)))
                .thenApply(v -> {
                    if (!(v.get(0) instanceof Number n)) {
                        throw new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, "GET " + obis + "/4",
                                "threshold_normal is not a number: " + v.get(0));
                    }
                    return Register.scaled(power, n.longValue(), cache.scaler(target.meterId(), power).scaler(), "W")
                            .value().longValue();
                });
    }

    /** Shows the customer's balance on the meter (message object), e.g. {@code SOLDE 12.34 EUR}. */
    public CompletableFuture<CommandResult> displayBalance(BigDecimal amount, String currency) {
        if (amount.scale() > 2 || amount.abs().compareTo(new BigDecimal("1000000")) >= 0) {
            return CompletableFuture.failedFuture(new MeterException(MeterFailureKind.INVALID_REQUEST, meter, "display balance",
                    "amount must have at most 2 decimals and be below 1000000 (was " + amount.toPlainString() + ")"));
        }
        if (currency == null || !currency.matches("[A-Z]{3}")) {
            return CompletableFuture.failedFuture(new MeterException(MeterFailureKind.INVALID_REQUEST, meter, "display balance",
                    "currency must be an ISO 4217 code such as EUR (was " + currency + ")"));
        }
        String text = "SOLDE " + amount.setScale(2).toPlainString() + " " + currency;
        return writeMessage(text).thenApply(readBack -> new CommandResult("display-balance",
                readBack.equals(text) ? CommandOutcome.SUCCEEDED : CommandOutcome.NOT_APPLIED, Map.of("message", readBack)));
    }

    private CompletableFuture<String> writeMessage(String text) {
        String obis = profile().message();
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > profile().messageMaxLength()) {
            return CompletableFuture.failedFuture(new MeterException(MeterFailureKind.INVALID_REQUEST, meter, "display message",
                    "message longer than " + profile().messageMaxLength() + " characters"));
        }
        GXDLMSData msg = new GXDLMSData(ln(obis));
        msg.setDataType(2, DataType.OCTET_STRING);
        msg.setValue(bytes);
        return ciphered("SET " + obis + "/2", () -> client.write(msg, 2))
                .thenCompose(r -> readAttributes(ObjectType.DATA, obis, List.of(2)))
                .thenApply(v -> v.get(0) instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : String.valueOf(v.get(0)));
    }

    // ---------------------------------------------------------------- generic access for field engineers

    /** GET of any attribute; the value as Gurux decodes it (numbers, byte arrays, lists). */
    public CompletableFuture<Object> get(int classId, String obis, int attribute) {
        return readAttributes(ObjectType.forValue(classId), obis, List.of(attribute)).thenApply(v -> v.get(0));
    }

    /** SET of any attribute with an explicit DLMS type. */
    public CompletableFuture<Void> set(int classId, String obis, int attribute, DataType type, Object value) {
        return ciphered("SET " + obis + "/" + attribute,
                () -> client.write(ln(obis), value, type, ObjectType.forValue(classId), attribute)).thenApply(r -> null);
    }

    /** ACTION of any method; completes with the return data, if any. */
    public CompletableFuture<Object> action(int classId, String obis, int method, DataType type, Object parameter) {
        return ciphered("ACTION " + obis + "/" + method,
                () -> client.method(ln(obis), ObjectType.forValue(classId), method, parameter, type)).thenApply(GXReplyData::getValue);
    }

    /** Reads the invocation counter object (what the public client does before a ciphered session). */
    public CompletableFuture<Long> readInvocationCounter() {
        String obis = profile().invocationCounter();
        return readAttributes(ObjectType.DATA, obis, List.of(2)).thenApply(v -> {
            if (v.get(0) instanceof Number n) return n.longValue();
            throw new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, "GET " + obis + "/2",
                    "the invocation counter is not a number: " + v.get(0));
        });
    }

    // ---------------------------------------------------------------- building blocks

    /** Attributes of one object, in one GET-with-list when the meter allows it. */
    private CompletableFuture<List<Object>> readAttributes(ObjectType type, String obis, List<Integer> attributes) {
        List<Entry<GXDLMSObject, Integer>> items = new ArrayList<>();
        GXDLMSObject o = GXDLMSClient.createObject(type);
        o.setLogicalName(ln(obis));
        for (int a : attributes) items.add(new SimpleEntry<>(o, a));
        return readItems(items);
    }

    /** The same attribute of several objects. */
    private CompletableFuture<List<Object>> readValues(List<String> obis, ObjectType type, int attribute) {
        List<Entry<GXDLMSObject, Integer>> items = new ArrayList<>();
        for (String code : obis) {
            GXDLMSObject o = GXDLMSClient.createObject(type);
            o.setLogicalName(ln(code));
            items.add(new SimpleEntry<>(o, attribute));
        }
        return readItems(items);
    }

    private CompletableFuture<List<Object>> readItems(List<Entry<GXDLMSObject, Integer>> items) {
        String step = "GET " + describe(items);
        if (items.size() > 1 && client.getNegotiatedConformance().contains(Conformance.MULTIPLE_REFERENCES)) {
            return readList(step, items).thenApply(values -> {
                for (Object v : values) {
                    if (v instanceof ErrorCode ec) throw dataAccessFailure(step, ec.getValue());
                }
                return values;
            });
        }
        List<Object> out = new ArrayList<>();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (var item : items) {
            chain = chain.thenCompose(v -> ciphered("GET " + describe(List.of(item)),
                    () -> client.read(item.getKey(), item.getValue())).thenAccept(reply -> out.add(reply.getValue())));
        }
        return chain.thenApply(v -> out);
    }

    /** One GET-with-list; an attribute the meter refuses comes back as its {@link ErrorCode}. */
    private CompletableFuture<List<Object>> readList(String step, List<Entry<GXDLMSObject, Integer>> items) {
        return ciphered(step, () -> client.readList(items)).thenApply(reply -> {
            if (!(reply.getValue() instanceof List<?> values) || values.size() != items.size()) {
                throw new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, step,
                        "expected " + items.size() + " values, got " + reply.getValue());
            }
            return new ArrayList<Object>(values);
        });
    }

    private static String describe(List<Entry<GXDLMSObject, Integer>> items) {
        StringBuilder sb = new StringBuilder();
        for (var it : items) {
            if (!sb.isEmpty()) sb.append(',');
            sb.append(obisText(it.getKey().getLogicalName())).append('/').append(it.getValue());
        }
        return sb.toString();
    }

    /** Makes sure scaler_unit of each register is in the cache (one GET-with-list for the missing ones). */
    private CompletableFuture<Void> scalers(List<String> obis, ObjectType type) {
        List<String> missing = new ArrayList<>();
        for (String o : obis) if (cache.scaler(target.meterId(), o) == null) missing.add(o);
        if (missing.isEmpty()) return CompletableFuture.completedFuture(null);
        return readValues(missing, type, 3).thenAccept(values -> storeScalers(missing, values));
    }

    private void storeScalers(List<String> obis, List<Object> values) {
        for (int k = 0; k < obis.size(); k++) {
            if (!(values.get(k) instanceof List<?> su) || su.size() != 2 || !(su.get(0) instanceof Number s)) {
                throw new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, "GET " + obis.get(k) + "/3",
                        "scaler_unit is not a structure {scaler, unit}: " + values.get(k));
            }
            int unit = su.get(1) instanceof Number u ? u.intValue() : su.get(1) instanceof gurux.dlms.enums.Unit gu ? gu.getValue() : 255;
            cache.putScaler(target.meterId(), obis.get(k), new MeterMetadataCache.ScalerUnit(s.intValue(), Units.symbol(unit)));
        }
    }

    private Register scale(String obis, Object raw) {
        if (!(raw instanceof Number n)) {
            throw new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, "GET " + obis + "/2",
                    "the register value is not a number: " + raw);
        }
        var su = cache.scaler(target.meterId(), obis);
        return Register.scaled(obis, n.longValue(), su == null ? 0 : su.scaler(), su == null ? "" : su.unit());
    }

    /** Reads the profile's capture objects once per meter and rebuilds them from the cache afterwards. */
    private CompletableFuture<List<MeterMetadataCache.Column>> captureObjects(GXDLMSProfileGeneric pg, String obis) {
        List<MeterMetadataCache.Column> cached = cache.columns(target.meterId(), obis);
        if (cached != null) {
            addCaptureObjects(pg, cached);
            return CompletableFuture.completedFuture(cached);
        }
        String step = "GET " + obis + "/3";
        return ciphered(step, () -> client.read(pg, 3)).thenApply(reply -> storeColumns(pg, obis, step, reply.getValue()));
    }

    private static void addCaptureObjects(GXDLMSProfileGeneric pg, List<MeterMetadataCache.Column> cols) {
        for (var c : cols) {
            GXDLMSObject o = GXDLMSClient.createObject(ObjectType.forValue(c.classId()));
            o.setLogicalName(ln(c.obis()));
            pg.addCaptureObject(o, c.attribute(), 0);
        }
    }

    /** Sets the profile's capture objects from the value of its attribute 3 and caches them as columns. */
    private List<MeterMetadataCache.Column> storeColumns(GXDLMSProfileGeneric pg, String obis, String step, Object captureObjects) {
        client.updateValue(pg, 3, captureObjects);
        List<MeterMetadataCache.Column> cols = new ArrayList<>();
        for (Entry<GXDLMSObject, GXDLMSCaptureObject> e : pg.getCaptureObjects()) {
            cols.add(new MeterMetadataCache.Column(e.getKey().getObjectType().getValue(),
                    obisText(e.getKey().getLogicalName()), e.getValue().getAttributeIndex()));
        }
        if (cols.isEmpty()) {
            throw new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, step, "the profile has no columns");
        }
        cache.putColumns(target.meterId(), obis, cols);
        return cols;
    }

    /** A request whose APDUs are ciphered when the association is: counters are reserved first. */
    private CompletableFuture<GXReplyData> ciphered(String step, Frames frames) {
        return ensureCounters(step).thenCompose(v -> plain(step, frames));
    }

    private CompletableFuture<Void> ensureCounters(String step) {
        if (!target.security().ciphered()) return CompletableFuture.completedFuture(null);
        long next = client.getCiphering().getInvocationCounter();
        if (next + COUNTER_MARGIN <= counterBlockEnd) return CompletableFuture.completedFuture(null);
        return counters.reserve(target.meterId(), target.endpoint().clientSap(), COUNTER_BLOCK).thenAccept(first -> {
            if (first + COUNTER_BLOCK > 0xFFFF_FFFFL) {
                throw new MeterException(MeterFailureKind.INVOCATION_COUNTER_OUT_OF_SYNC, meter, step,
                        "invocation counter exhausted (" + first + "): renew the meter's keys");
            }
            client.getCiphering().setInvocationCounter(Math.max(first, client.getCiphering().getInvocationCounter()));
            counterBlockEnd = first + COUNTER_BLOCK;
        });
    }

    @FunctionalInterface
    private interface Frames {
        byte[][] build() throws Exception;
    }

    /** Builds the frames, sends each, and gathers the complete answer (following "more data"). */
    private CompletableFuture<GXReplyData> plain(String step, Frames frames) {
        this.step = step;
        byte[][] out;
        try {
            out = frames.build();
        } catch (Exception e) {
            return CompletableFuture.failedFuture(translate(step, e));
        }
        GXReplyData reply = new GXReplyData();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (byte[] frame : out) {
            chain = chain.thenCompose(v -> {
                reply.clear();
                return roundTrip(step, frame, reply, new GXByteBuffer());
            });
        }
        return chain.handle((v, e) -> {
            if (e != null) throw asMeterException(step, e);
            if (reply.getError() != 0) throw dataAccessFailure(step, reply.getError());
            return reply;
        });
    }

    private CompletableFuture<Void> roundTrip(String step, byte[] frame, GXReplyData reply, GXByteBuffer received) {
        CompletableFuture<byte[]> answer = frame == null ? link.receive(step, timeouts.response())
                : link.request(step, frame, timeouts.response());
        return answer.thenCompose(bytes -> {
            received.set(bytes);
            GXReplyData notify = new GXReplyData();
            boolean complete;
            try {
                guard.inspect(bytes);
                complete = client.getData(received, reply, notify);
            } catch (Exception e) {
                throw translate(step, e);
            }
            if (!complete) return roundTrip(step, null, reply, received);
            if (reply.isMoreData()) {
                byte[] next;
                try {
                    next = client.receiverReady(reply);
                } catch (Exception e) {
                    throw translate(step, e);
                }
                return ensureCounters(step).thenCompose(v -> roundTrip(step, next, reply, new GXByteBuffer()));
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    private MeterException asMeterException(String step, Throwable e) {
        Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        MeterException m = MeterException.find(c);
        return m != null ? m : translate(step, c);
    }

    /** Maps what Gurux throws to the failure vocabulary. */
    MeterException translate(String step, Throwable e) {
        if (e instanceof MeterException m) return m;
        if (e instanceof MalformedApdu m && !m.notAuthentic()) {
            return new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, step, "answer refused: " + m.getMessage(), e);
        }
        if (e instanceof GXDLMSExceptionResponse r) {
            if (r.getExceptionServiceError() == ExceptionServiceError.INVOCATION_COUNTER_ERROR) {
                return new MeterException(MeterFailureKind.INVOCATION_COUNTER_OUT_OF_SYNC, meter, step,
                        "the meter rejected invocation counter " + client.getCiphering().getInvocationCounter(), e);
            }
            if (r.getExceptionServiceError() == ExceptionServiceError.DECIPHERING_ERROR) {
                return new MeterException(MeterFailureKind.AUTHENTICATION_FAILED, meter, step,
                        "the meter could not decipher the request", e);
            }
            return new MeterException(MeterFailureKind.ACCESS_DENIED, meter, step,
                    "exception response " + r.getStateError() + "/" + r.getExceptionServiceError(), e);
        }
        if (e instanceof GXDLMSException g) {
            if (g.getResult() != null && g.getResult() != AssociationResult.ACCEPTED) return aareFailure(g);
            if (g.getErrorCode() != 0) return dataAccessFailure(step, g.getErrorCode());
            String msg = String.valueOf(g.getMessage());
            if (msg.toLowerCase(Locale.ROOT).contains("decrypt") || msg.toLowerCase(Locale.ROOT).contains("authentication")) {
                return new MeterException(MeterFailureKind.AUTHENTICATION_FAILED, meter, step, msg, e);
            }
            return new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, step, msg, e);
        }
        if (e instanceof GXDLMSConfirmedServiceError c) {
            return new MeterException(MeterFailureKind.ACCESS_DENIED, meter, step,
                    "confirmed service error " + c.getConfirmedServiceError() + "/" + c.getServiceError(), e);
        }
        if (corrupted(e)) {
            // Wrong keys are refused by the meter itself (it cannot decipher our request); an answer that
            // fails its own tag here was damaged on the way: retryable.
            return new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, step,
                    "the meter's answer does not authenticate (damaged on the link)", e);
        }
        return new MeterException(MeterFailureKind.MALFORMED_RESPONSE, meter, step,
                "cannot decode the meter's answer: " + e, e);
    }

    private static boolean corrupted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AEADBadTagException || t instanceof javax.crypto.BadPaddingException) return true;
            if (t instanceof MalformedApdu m && m.notAuthentic()) return true;
        }
        return false;
    }

    private MeterException dataAccessFailure(String step, int code) {
        ErrorCode ec;
        try {
            ec = ErrorCode.forValue(code);
        } catch (RuntimeException unknown) {
            ec = ErrorCode.OTHER_REASON;
        }
        MeterFailureKind kind = switch (ec) {
            case READ_WRITE_DENIED, ACCESS_VIOLATED -> MeterFailureKind.ACCESS_DENIED;
            case UNDEFINED_OBJECT, UNAVAILABLE_OBJECT, INCONSISTENT_CLASS, UNMATCHED_TYPE -> MeterFailureKind.OBJECT_UNAVAILABLE;
            case TEMPORARY_FAILURE, HARDWARE_FAULT, RECEIVE_NOT_READY -> MeterFailureKind.METER_BUSY;
            case REJECTED, DISCONNECT_MODE -> MeterFailureKind.ASSOCIATION_REJECTED;
            default -> MeterFailureKind.MALFORMED_RESPONSE;
        };
        return new MeterException(kind, meter, step, "data-access-result " + ec.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    /** {@code 1-0:1.8.1.255} → {@code 1.0.1.8.1.255} (Gurux's notation). */
    static String ln(String obis) {
        return obis.replace('-', '.').replace(':', '.');
    }

    /** {@code 1.0.1.8.1.255} → {@code 1-0:1.8.1.255}. */
    static String obisText(String ln) {
        String[] p = ln.split("\\.");
        if (p.length != 6) return ln;
        return p[0] + "-" + p[1] + ":" + p[2] + "." + p[3] + "." + p[4] + "." + p[5];
    }

    /** A value for printing: byte arrays in hex, lists recursively, the rest as is. */
    public static Object printable(Object v) {
        if (v instanceof byte[] b) return HexFormat.of().withUpperCase().formatHex(b);
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) out.add(printable(o));
            return out;
        }
        if (v instanceof GXDateTime t) return t.getMeterCalendar().toInstant().toString();
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> out.put(String.valueOf(k), printable(val)));
            return out;
        }
        return v;
    }

    boolean linkOpen() {
        return link.isOpen();
    }

    MeterLink link() {
        return link;
    }
}
