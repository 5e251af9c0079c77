package org.openhes.headend.protocol.model;

import java.util.Locale;

/**
 * The meter's own logs the head-end collects, each a profile generic of (clock, value) rows whose OBIS
 * code the meter profile gives ({@link MeterLogs}). The value is an event code, named by the log's table
 * (IDIS / DSMR numbering; a code the table does not know is {@code CODE_<n>}), or for the power failure
 * log the failure's duration in seconds (the row's clock is the failure's end).
 */
public enum MeterLog {
    STANDARD_EVENT_LOG, DISCONNECTOR_CONTROL_LOG, POWER_FAILURE_LOG;

    /** The standard event log's codes: index = code. */
    private static final String[] STANDARD = codes(
            1, "POWER_DOWN", 2, "POWER_UP", 3, "DAYLIGHT_SAVING_CHANGED", 4, "CLOCK_ADJUSTED_OLD_TIME",
            5, "CLOCK_ADJUSTED_NEW_TIME", 6, "CLOCK_INVALID", 7, "REPLACE_BATTERY", 8, "BATTERY_VOLTAGE_LOW",
            9, "TARIFF_ACTIVATED", 10, "ERROR_REGISTER_CLEARED", 11, "ALARM_REGISTER_CLEARED",
            12, "PROGRAM_MEMORY_ERROR", 13, "RAM_ERROR", 14, "NV_MEMORY_ERROR", 15, "WATCHDOG_ERROR",
            16, "MEASUREMENT_SYSTEM_ERROR", 17, "FIRMWARE_READY_FOR_ACTIVATION", 18, "FIRMWARE_ACTIVATED",
            255, "EVENT_LOG_CLEARED");
    /** The disconnector control log's codes. */
    private static final String[] DISCONNECTOR = codes(
            59, "READY_FOR_MANUAL_RECONNECTION", 60, "MANUAL_DISCONNECTION", 61, "MANUAL_CONNECTION",
            62, "REMOTE_DISCONNECTION", 63, "REMOTE_CONNECTION", 64, "LOCAL_DISCONNECTION",
            65, "LIMITER_THRESHOLD_EXCEEDED", 66, "LIMITER_THRESHOLD_OK", 67, "LIMITER_THRESHOLD_CHANGED",
            68, "DISCONNECT_RECONNECT_FAILURE", 69, "LOCAL_RECONNECTION", 255, "EVENT_LOG_CLEARED");

    /** What an entry's value means in this log: the event code's name ({@code CODE_<n>} when unknown). */
    public String eventName(long value) {
        return switch (this) {
            case STANDARD_EVENT_LOG -> codeName(STANDARD, value);
            case DISCONNECTOR_CONTROL_LOG -> codeName(DISCONNECTOR, value);
            case POWER_FAILURE_LOG -> "POWER_FAILURE";
        };
    }

    /** The key of this log in a meter profile file and in events' payload, e.g. {@code standard-event-log}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String codeName(String[] table, long code) {
        return code >= 0 && code < table.length && table[(int) code] != null ? table[(int) code] : "CODE_" + code;
    }

    private static String[] codes(Object... pairs) {
        String[] t = new String[256];
        for (int k = 0; k < pairs.length; k += 2) t[(Integer) pairs[k]] = (String) pairs[k + 1];
        return t;
    }
}
