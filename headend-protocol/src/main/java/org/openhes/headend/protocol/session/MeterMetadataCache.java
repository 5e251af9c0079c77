package org.openhes.headend.protocol.session;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a meter told us about itself once and is not asked again: registers' scaler and unit, profiles'
 * capture objects, whether it reads a profile by entry only. Shared by all sessions; keyed by meter id.
 */
public final class MeterMetadataCache {
    /** scaler_unit of a register: value × 10^scaler, in {@code unit}. */
    public record ScalerUnit(int scaler, String unit) {
    }

    /** One column of a profile: class, OBIS, attribute. */
    public record Column(int classId, String obis, int attribute) {
    }

    private final Map<String, Map<String, ScalerUnit>> scalers = new ConcurrentHashMap<>();
    private final Map<String, List<Column>> columns = new ConcurrentHashMap<>();
    private final Set<String> readByEntry = ConcurrentHashMap.newKeySet();
    private final Map<String, Limiter> limiters = new ConcurrentHashMap<>();

    /**
     * How a meter's limiter wants its threshold: the object it monitors (whose scaler applies), and the
     * DLMS type of threshold_normal (strict meters refuse another).
     */
    public record Limiter(String monitoredObis, int thresholdType) {
    }

    ScalerUnit scaler(String meterId, String obis) {
        Map<String, ScalerUnit> m = scalers.get(meterId);
        return m == null ? null : m.get(obis);
    }

    void putScaler(String meterId, String obis, ScalerUnit su) {
        scalers.computeIfAbsent(meterId, k -> new ConcurrentHashMap<>()).put(obis, su);
    }

    List<Column> columns(String meterId, String profileObis) {
        return columns.get(meterId + "|" + profileObis);
    }

    void putColumns(String meterId, String profileObis, List<Column> cols) {
        columns.put(meterId + "|" + profileObis, List.copyOf(cols));
    }

    /** Whether the meter refused to read this profile by range and is read by entry instead. */
    boolean readsByEntry(String meterId, String profileObis) {
        return readByEntry.contains(meterId + "|" + profileObis);
    }

    void readByEntry(String meterId, String profileObis) {
        readByEntry.add(meterId + "|" + profileObis);
    }

    Limiter limiter(String meterId, String limiterObis) {
        return limiters.get(meterId + "|" + limiterObis);
    }

    void putLimiter(String meterId, String limiterObis, Limiter l) {
        limiters.put(meterId + "|" + limiterObis, l);
    }

    /** Forgets a meter (e.g. after a firmware change). */
    public void forget(String meterId) {
        scalers.remove(meterId);
        columns.keySet().removeIf(k -> k.startsWith(meterId + "|"));
        readByEntry.removeIf(k -> k.startsWith(meterId + "|"));
        limiters.keySet().removeIf(k -> k.startsWith(meterId + "|"));
    }
}
