package org.openhes.headend.protocol.session;

import gurux.dlms.enums.ObjectType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.model.Register;

/**
 * Registers' scaler_unit (attribute 3), read once per meter and kept in the {@link MeterMetadataCache},
 * and the scaling of raw values with it: value × 10^scaler in the meter's unit, for any integer type
 * the meter uses (up to long64-unsigned).
 */
final class Scalers {
    private final Association association;
    private final AttributeAccess access;
    private final MeterMetadataCache cache;
    private final String meterId;

    Scalers(Association association, AttributeAccess access, MeterMetadataCache cache) {
        this.association = association;
        this.access = access;
        this.cache = cache;
        this.meterId = association.target().meterId();
    }

    /** The registers among {@code obis} whose scaler_unit is not cached yet. */
    List<String> missing(List<String> obis) {
        List<String> missing = new ArrayList<>();
        for (String o : obis) if (cache.scaler(meterId, o) == null) missing.add(o);
        return missing;
    }

    boolean known(String obis) {
        return cache.scaler(meterId, obis) != null;
    }

    /** Makes sure scaler_unit of each register is in the cache (one GET-with-list for the missing ones). */
    CompletableFuture<Void> ensure(List<String> obis, ObjectType type) {
        List<String> missing = missing(obis);
        if (missing.isEmpty()) return CompletableFuture.completedFuture(null);
        return access.sameAttribute(missing, type, 3).thenAccept(values -> store(missing, values));
    }

    /** Caches the scaler_unit values read for {@code obis}, in the same order. */
    void store(List<String> obis, List<Object> values) {
        for (int k = 0; k < obis.size(); k++) {
            if (!(values.get(k) instanceof List<?> su) || su.size() != 2 || !(su.get(0) instanceof Number s)) {
                throw association.failures().of(MeterFailureKind.MALFORMED_RESPONSE, "GET " + obis.get(k) + "/3",
                        "scaler_unit is not a structure {scaler, unit}: " + DlmsValues.printable(values.get(k)));
            }
            int unit = su.get(1) instanceof Number u ? u.intValue() : su.get(1) instanceof gurux.dlms.enums.Unit gu ? gu.getValue() : 255;
            cache.putScaler(meterId, obis.get(k), new MeterMetadataCache.ScalerUnit(s.intValue(), Units.symbol(unit)));
        }
    }

    /** The scaler of a register, or null when it is not known. */
    Integer scalerOf(String obis) {
        var su = cache.scaler(meterId, obis);
        return su == null ? null : su.scaler();
    }

    /** A register's raw value scaled with its cached scaler_unit. */
    Register scale(String obis, Object raw) {
        BigDecimal n = number(raw);
        if (n == null) {
            throw association.failures().of(MeterFailureKind.MALFORMED_RESPONSE, "GET " + obis + "/2",
                    "the register value is not a number: " + DlmsValues.printable(raw));
        }
        var su = cache.scaler(meterId, obis);
        return Register.scaled(obis, n, su == null ? 0 : su.scaler(), su == null ? "" : su.unit());
    }

    /**
     * Any number the codec decodes, exactly: integers from byte to long64-unsigned (which Gurux gives as
     * BigInteger) and the floating-point types some meters use; else null.
     */
    static BigDecimal number(Object raw) {
        if (raw instanceof BigDecimal d) return d;
        if (raw instanceof Float f) return Float.isFinite(f) ? new BigDecimal(Float.toString(f)) : null;
        if (raw instanceof Double d) return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
        if (raw instanceof Number n) {
            // Long, BigInteger, and Gurux's unsigned wrappers (GXUInt8..GXUInt64), whose text is the decimal value
            try {
                return new BigDecimal(n.toString());
            } catch (NumberFormatException notDecimal) {
                return null;
            }
        }
        return null;
    }
}
