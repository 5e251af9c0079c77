package org.openhes.headend.api.http;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openhes.headend.scheduler.reads.StoredInterval;

/**
 * One interval as the API gives it: its indexes, the consumption since the previous interval of the same
 * meter (import and export, Wh), and the flags that make that consumption unreliable: {@code gap} (no
 * previous interval 15 minutes earlier), {@code reset} (an index went down), {@code clockChange} (status
 * clock adjusted or clock invalid), {@code powerDown} and {@code dataNotValid} (status bits).
 */
public final class IntervalConsumption {
    static final Duration PERIOD = Duration.ofMinutes(15);
    static final int POWER_DOWN = 0x80, CLOCK_ADJUSTED = 0x20, DATA_NOT_VALID = 0x04, CLOCK_INVALID = 0x02;
    static final String CSV_HEADER = "meter_id,interval_end,status,import_wh,export_wh,import_consumption_wh,export_consumption_wh,reliable,flags\n";

    private IntervalConsumption() {
    }

    /** The interval {@code current} after {@code previous} (null when there is none) as a JSON object. */
    static Map<String, Object> item(StoredInterval previous, StoredInterval current) {
        List<String> flags = flags(previous, current);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("meterId", current.meterId());
        m.put("end", current.end().toString());
        m.put("status", current.status());
        m.put("importWh", current.importWh());
        m.put("exportWh", current.exportWh());
        m.put("importConsumptionWh", delta(previous == null ? null : previous.importWh(), current.importWh()));
        m.put("exportConsumptionWh", delta(previous == null ? null : previous.exportWh(), current.exportWh()));
        m.put("reliable", flags.isEmpty());
        m.put("flags", flags);
        return m;
    }

    /** The Wh imported during {@code current}, or null when the flags make it unreliable (a gap, a reset, a clock change...). */
    public static BigDecimal reliableImportWh(StoredInterval previous, StoredInterval current) {
        return flags(previous, current).isEmpty() ? delta(previous.importWh(), current.importWh()) : null;
    }

    static String csv(StoredInterval previous, StoredInterval current) {
        List<String> flags = flags(previous, current);
        return current.meterId() + "," + current.end() + "," + current.status() + "," + plain(current.importWh()) + ","
                + plain(current.exportWh()) + "," + plain(delta(previous == null ? null : previous.importWh(), current.importWh())) + ","
                + plain(delta(previous == null ? null : previous.exportWh(), current.exportWh())) + "," + flags.isEmpty() + ","
                + String.join(";", flags) + "\n";
    }

    static List<String> flags(StoredInterval previous, StoredInterval current) {
        List<String> flags = new ArrayList<>();
        if (previous == null || Duration.between(previous.end(), current.end()).compareTo(PERIOD) > 0) flags.add("gap");
        if (previous != null && (down(previous.importWh(), current.importWh()) || down(previous.exportWh(), current.exportWh()))) {
            flags.add("reset");
        }
        if ((current.status() & (CLOCK_ADJUSTED | CLOCK_INVALID)) != 0) flags.add("clockChange");
        if ((current.status() & POWER_DOWN) != 0) flags.add("powerDown");
        if ((current.status() & DATA_NOT_VALID) != 0) flags.add("dataNotValid");
        return flags;
    }

    /** current - previous, or null when either is missing or the index went down (a reset: no consumption to tell). */
    private static BigDecimal delta(BigDecimal previous, BigDecimal current) {
        if (previous == null || current == null || current.compareTo(previous) < 0) return null;
        return current.subtract(previous);
    }

    private static boolean down(BigDecimal previous, BigDecimal current) {
        return previous != null && current != null && current.compareTo(previous) < 0;
    }

    private static String plain(BigDecimal v) {
        return v == null ? "" : v.toPlainString();
    }
}
