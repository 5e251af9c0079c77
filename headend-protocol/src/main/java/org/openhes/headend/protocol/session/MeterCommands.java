package org.openhes.headend.protocol.session;

import static org.openhes.headend.protocol.session.DlmsValues.ln;

import gurux.dlms.enums.DataType;
import gurux.dlms.enums.ObjectType;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSDisconnectControl;
import gurux.dlms.objects.GXDLMSLimiter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.model.BreakerState;
import org.openhes.headend.protocol.model.CommandOutcome;
import org.openhes.headend.protocol.model.CommandResult;
import org.openhes.headend.protocol.model.ControlState;
import org.openhes.headend.protocol.model.MeterProfile;

/**
 * The remote commands: breaker (disconnect control), gas valve (the M-Bus channel's disconnect
 * control), power limit (limiter), balance display (message object). Each reads the meter's state back after acting and says whether the meter reached it.
 */
public final class MeterCommands {
    public static final long MIN_POWER_LIMIT_W = 100, MAX_POWER_LIMIT_W = 100_000;

    private final Association association;
    private final AttributeAccess access;
    private final Scalers scalers;
    private final MeterMetadataCache cache;
    private final MeterProfile profile;
    private final String meterId;

    MeterCommands(Association association, AttributeAccess access, Scalers scalers, MeterMetadataCache cache) {
        this.association = association;
        this.access = access;
        this.scalers = scalers;
        this.cache = cache;
        this.profile = association.target().profile();
        this.meterId = association.target().meterId();
    }

    // ---------------------------------------------------------------- breaker

    /** Opens the breaker (remote_disconnect) and reads the disconnector back. */
    public CompletableFuture<CommandResult> disconnect() {
        return disconnectorMethod(profile.disconnector(), 1, "disconnect");
    }

    /** Closes the breaker (remote_reconnect) and reads the disconnector back. */
    public CompletableFuture<CommandResult> reconnect() {
        return disconnectorMethod(profile.disconnector(), 2, "reconnect");
    }

    /** Closes the gas valve (remote_disconnect of the M-Bus channel's disconnect control) and reads it back. */
    public CompletableFuture<CommandResult> closeGasValve() {
        return disconnectorMethod(profile.gasValve(), 1, "gas-disconnect");
    }

    /**
     * Arms the gas valve for reconnection (remote_reconnect): for safety a gas valve is opened by the
     * customer at the meter, so this ends in {@link CommandOutcome#READY_FOR_RECONNECTION}, reported as such.
     */
    public CompletableFuture<CommandResult> armGasValve() {
        return disconnectorMethod(profile.gasValve(), 2, "gas-reconnect");
    }

    private CompletableFuture<CommandResult> disconnectorMethod(String obis, int method, String name) {
        GXDLMSDisconnectControl d = new GXDLMSDisconnectControl(ln(obis));
        return access.invoke(d, method, 0, DataType.INT8)
                .thenCompose(r -> disconnectControl(obis))
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
    public CompletableFuture<BreakerState> breaker() {
        return disconnectControl(profile.disconnector());
    }

    /** output_state and control_state of the gas valve. */
    public CompletableFuture<BreakerState> gasValve() {
        return disconnectControl(profile.gasValve());
    }

    private CompletableFuture<BreakerState> disconnectControl(String obis) {
        return access.attributes(ObjectType.DISCONNECT_CONTROL, obis, List.of(2, 3)).thenApply(v -> {
            if (!(v.get(0) instanceof Boolean on) || !(v.get(1) instanceof Number cs)) {
                throw association.failures().of(MeterFailureKind.MALFORMED_RESPONSE, "GET " + obis + "/2,3",
                        "output_state/control_state have unexpected types " + DlmsValues.printable(v));
            }
            return new BreakerState(on, ControlState.of(cs.intValue()));
        });
    }

    // ---------------------------------------------------------------- power limit

    /** How to write the threshold: the monitored object's scaler (or 0 when unreadable) and the attribute's type. */
    private record Threshold(String monitored, int scaler, boolean scalerAssumed, String scalerProblem, DataType type) {
    }

    /**
     * Sets the limiter's threshold_normal to {@code watts}, encoded in the attribute's own type and in the
     * scaler of the value the limiter monitors (read from the limiter's monitored_value), then reads it
     * back. 0 clears the limit. When the meter does not let the client read the monitored value's
     * scaler, scaler 0 is assumed and the result says so.
     */
    public CompletableFuture<CommandResult> setPowerLimit(long watts) {
        if (watts != 0 && (watts < MIN_POWER_LIMIT_W || watts > MAX_POWER_LIMIT_W)) {
            return CompletableFuture.failedFuture(association.failures().of(MeterFailureKind.INVALID_REQUEST, "set power limit",
                    "power limit must be between " + MIN_POWER_LIMIT_W + " and " + MAX_POWER_LIMIT_W + " W (was " + watts + ")"));
        }
        String obis = profile.limiter();
        String name = watts == 0 ? "clear-power-limit" : "set-power-limit";
        return threshold().thenCompose(t -> {
            BigDecimal raw = BigDecimal.valueOf(watts).scaleByPowerOfTen(-t.scaler());
            if (raw.stripTrailingZeros().scale() > 0) {
                throw association.failures().of(MeterFailureKind.INVALID_REQUEST, "set power limit",
                        watts + " W cannot be written with the monitored value's scaler " + t.scaler());
            }
            GXDLMSLimiter limiter = new GXDLMSLimiter(ln(obis));
            limiter.setDataType(4, t.type());
            limiter.setThresholdNormal(raw.longValueExact());
            return access.write(limiter, 4)
                    .thenCompose(v -> thresholdWatts(t))
                    .thenApply(readBack -> {
                        Map<String, Object> state = new LinkedHashMap<>();
                        state.put("thresholdWatts", readBack);
                        if (t.scalerAssumed()) {
                            state.put("scalerAssumed", true);
                            state.put("note", "the scaler of " + t.monitored() + " could not be read (" + t.scalerProblem()
                                    + "): the threshold was written with scaler 0");
                        }
                        return new CommandResult(name, readBack == watts ? CommandOutcome.SUCCEEDED : CommandOutcome.NOT_APPLIED, state);
                    });
        });
    }

    /** Removes the power limit (threshold 0 = no limit) and reads it back. */
    public CompletableFuture<CommandResult> clearPowerLimit() {
        return setPowerLimit(0);
    }

    /** The limiter's threshold_normal in watts (0 = no limit). */
    public CompletableFuture<Long> powerLimit() {
        return threshold().thenCompose(this::thresholdWatts);
    }

    private CompletableFuture<Long> thresholdWatts(Threshold t) {
        String obis = profile.limiter();
        return access.attributes(ObjectType.LIMITER, obis, List.of(4)).thenApply(v -> {
            BigDecimal n = Scalers.number(v.get(0));
            if (n == null) {
                throw association.failures().of(MeterFailureKind.MALFORMED_RESPONSE, "GET " + obis + "/4",
                        "threshold_normal is not a number: " + DlmsValues.printable(v.get(0)));
            }
            return n.scaleByPowerOfTen(t.scaler()).longValue();
        });
    }

    /** What writing the threshold needs, from the cache or read once per meter (monitored value, its scaler, the type). */
    private CompletableFuture<Threshold> threshold() {
        String obis = profile.limiter();
        MeterMetadataCache.Limiter known = cache.limiter(meterId, obis);
        CompletableFuture<MeterMetadataCache.Limiter> setup = known != null ? CompletableFuture.completedFuture(known)
                : monitoredObject().thenCompose(monitored -> association.exchange("GET " + obis + "/4",
                        () -> association.codec().read(new GXDLMSLimiter(ln(obis)), 4)).thenApply(current -> {
                    DataType type = current.getValueType() == null || current.getValueType() == DataType.NONE
                            ? DataType.UINT32 : current.getValueType();
                    var l = new MeterMetadataCache.Limiter(monitored, type.getValue());
                    cache.putLimiter(meterId, obis, l);
                    return l;
                }));
        return setup.thenCompose(l -> scalers.ensure(List.of(l.monitoredObis()), ObjectType.REGISTER)
                .thenApply(v -> new Threshold(l.monitoredObis(), scalers.scalerOf(l.monitoredObis()), false, null,
                        DataType.forValue(l.thresholdType())))
                .exceptionally(e -> {
                    MeterException m = MeterException.find(e);
                    if (m == null || !unreadable(m.kind())) throw association.failure(e);
                    return new Threshold(l.monitoredObis(), 0, true, m.kind().words(), DataType.forValue(l.thresholdType()));
                }));
    }

    /** The object named by the limiter's monitored_value, or the profile's when the meter does not give it. */
    private CompletableFuture<String> monitoredObject() {
        String obis = profile.limiter();
        return access.attributes(ObjectType.LIMITER, obis, List.of(2)).thenApply(v -> {
            if (v.get(0) instanceof List<?> s && s.size() >= 2 && s.get(1) instanceof byte[] ln && ln.length == 6) {
                return String.format("%d-%d:%d.%d.%d.%d", ln[0] & 0xFF, ln[1] & 0xFF, ln[2] & 0xFF, ln[3] & 0xFF, ln[4] & 0xFF, ln[5] & 0xFF);
            }
            return profile.activePower();
        }).exceptionally(e -> {
            MeterException m = MeterException.find(e);
            if (m == null || !unreadable(m.kind())) throw association.failure(e);
            return profile.activePower();
        });
    }

    private static boolean unreadable(MeterFailureKind kind) {
        return kind == MeterFailureKind.ACCESS_DENIED || kind == MeterFailureKind.OBJECT_UNAVAILABLE
                || kind == MeterFailureKind.REQUEST_REFUSED;
    }

    // ---------------------------------------------------------------- balance display

    /** Shows the customer's balance on the meter (message object), e.g. {@code SOLDE 12.34 EUR}. */
    public CompletableFuture<CommandResult> displayBalance(BigDecimal amount, String currency) {
        if (amount.scale() > 2 || amount.abs().compareTo(new BigDecimal("1000000")) >= 0) {
            return CompletableFuture.failedFuture(association.failures().of(MeterFailureKind.INVALID_REQUEST, "display balance",
                    "amount must have at most 2 decimals and be below 1000000 (was " + amount.toPlainString() + ")"));
        }
        if (currency == null || !currency.matches("[A-Z]{3}")) {
            return CompletableFuture.failedFuture(association.failures().of(MeterFailureKind.INVALID_REQUEST, "display balance",
                    "currency must be an ISO 4217 code such as EUR (was " + currency + ")"));
        }
        String text = "SOLDE " + amount.setScale(2).toPlainString() + " " + currency;
        return writeMessage(text).thenApply(readBack -> new CommandResult("display-balance",
                readBack.equals(text) ? CommandOutcome.SUCCEEDED : CommandOutcome.NOT_APPLIED, Map.of("message", readBack)));
    }

    private CompletableFuture<String> writeMessage(String text) {
        String obis = profile.message();
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > profile.messageMaxLength()) {
            return CompletableFuture.failedFuture(association.failures().of(MeterFailureKind.INVALID_REQUEST, "display message",
                    "message longer than " + profile.messageMaxLength() + " characters"));
        }
        GXDLMSData msg = new GXDLMSData(ln(obis));
        msg.setDataType(2, DataType.OCTET_STRING);
        msg.setValue(bytes);
        return access.write(msg, 2)
                .thenCompose(r -> access.attributes(ObjectType.DATA, obis, List.of(2)))
                .thenApply(v -> v.get(0) instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : String.valueOf(v.get(0)));
    }
}
