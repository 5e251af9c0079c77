package org.openhes.headend.protocol.model;

import java.util.Objects;

/**
 * Where a meter model keeps its logs and its alarm register, and whether the head-end clears the
 * register after reading it.
 *
 * @param standardEventLog       the standard event log (class 7: clock, event code)
 * @param disconnectorControlLog the disconnector control log (class 7: clock, event code)
 * @param powerFailureLog        the long power failure log (class 7: end of failure, duration in seconds)
 * @param alarmRegister          the alarm register (class 1, a bit mask)
 * @param clearAlarmRegister     whether a read alarm register is cleared (written 0) once its bits are stored
 */
public record MeterLogs(String standardEventLog, String disconnectorControlLog, String powerFailureLog,
                        String alarmRegister, boolean clearAlarmRegister) {
    /** IDIS / DSMR codes, for profile files written before the keys existed. */
    public static final MeterLogs IDIS = new MeterLogs("0-0:99.98.0.255", "0-0:99.98.2.255", "1-0:99.97.0.255", "0-0:97.98.0.255", true);

    public MeterLogs {
        Objects.requireNonNull(standardEventLog, "standardEventLog");
        Objects.requireNonNull(disconnectorControlLog, "disconnectorControlLog");
        Objects.requireNonNull(powerFailureLog, "powerFailureLog");
        Objects.requireNonNull(alarmRegister, "alarmRegister");
    }

    /** The profile generic holding this log. */
    public String obis(MeterLog log) {
        return switch (log) {
            case STANDARD_EVENT_LOG -> standardEventLog;
            case DISCONNECTOR_CONTROL_LOG -> disconnectorControlLog;
            case POWER_FAILURE_LOG -> powerFailureLog;
        };
    }
}
