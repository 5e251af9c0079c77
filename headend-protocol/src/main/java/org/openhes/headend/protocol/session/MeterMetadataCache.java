package org.openhes.headend.protocol.session;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a meter told us about itself once and is not asked again: registers' scaler and unit, profiles'
 * capture objects. Shared by all sessions; keyed by meter id.
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

    /** Forgets a meter (e.g. after a firmware change). */
    public void forget(String meterId) {
        scalers.remove(meterId);
        columns.keySet().removeIf(k -> k.startsWith(meterId + "|"));
    }
}
