package org.openhes.headend.protocol.model;

import java.util.List;
import java.util.Objects;

/**
 * Where a meter model keeps what the head-end needs, and how it wants to be asked. Every OBIS code the
 * operations use comes from here, so a different meter model is a different profile (a file, see
 * {@link MeterProfiles}), not a code change.
 *
 * @param name               the name meters are registered with (e.g. {@code emucs})
 * @param description        one line for people
 * @param indexRegisters     the four energy index registers (import day, import night, export day, export night)
 * @param dailyProfile       the profile generic capturing the indexes at midnight
 * @param dailyProfileAccess how to select its rows
 * @param clock              the clock object
 * @param disconnector       the disconnect control object
 * @param limiter            the limiter object
 * @param activePower        the register the limiter monitors when the meter does not say (attribute 2 of the limiter)
 * @param message            the data object whose text the meter shows the customer
 * @param messageMaxLength   the longest text the message object takes
 * @param gasIndex           the gas index on the M-Bus channel (extended register)
 * @param invocationCounter  the data object holding the meter's invocation counter, readable by the public client
 * @param publicClientSap    the client SAP of the public client
 * @param tariff             the data object holding the current tariff
 * @param association        the current association object (object list, HLS pass 3/4)
 * @param gasValve           the disconnect control of the gas meter's M-Bus channel (its valve)
 * @param loadProfile        the profile generic of 15-minute intervals (clock, status, A+, A-; its columns read from the meter)
 * @param pushSetup          the push setup (class 40) whose destination the head-end sets so that alarms reach its listener
 * @param logs               the event logs and the alarm register, read in the daily session
 * @param securitySetup      the security setup (class 64) of the management association, whose global_key_transfer renews its keys
 */
public record MeterProfile(String name, String description, List<String> indexRegisters, String dailyProfile,
                           ProfileAccess dailyProfileAccess, String clock, String disconnector, String limiter,
                           String activePower, String message, int messageMaxLength, String gasIndex,
                           String invocationCounter, int publicClientSap, String tariff, String association,
                           String gasValve, String loadProfile, String pushSetup, MeterLogs logs,
                           String securitySetup) {
    public MeterProfile {
        Objects.requireNonNull(name, "name");
        indexRegisters = List.copyOf(indexRegisters);
        Objects.requireNonNull(dailyProfileAccess, "dailyProfileAccess");
        Objects.requireNonNull(loadProfile, "loadProfile");
        Objects.requireNonNull(pushSetup, "pushSetup");
        Objects.requireNonNull(logs, "logs");
        Objects.requireNonNull(securitySetup, "securitySetup");
    }

    /** The shipped default: e-MUCS (the Belgian DSOs' companion specification), as in the project's DLMS notes. */
    public static MeterProfile emucs() {
        return MeterProfiles.builtIn().named("emucs");
    }

    /**
     * An object the head-end uses: the interface class it expects, the attributes it reads and writes and
     * the methods it invokes.
     */
    public record ObjectUse(String role, String obis, int classId, List<Integer> reads, List<Integer> writes, List<Integer> methods) {
        public ObjectUse {
            reads = List.copyOf(reads);
            writes = List.copyOf(writes);
            methods = List.copyOf(methods);
        }
    }

    /** Every object this profile names, for comparing it with what a meter has (headend inspect). */
    public List<ObjectUse> objects() {
        var out = new java.util.ArrayList<ObjectUse>();
        for (int k = 0; k < indexRegisters.size(); k++) {
            out.add(new ObjectUse("index register " + (k + 1), indexRegisters.get(k), 3, List.of(2, 3), List.of(), List.of()));
        }
        out.add(new ObjectUse("daily profile", dailyProfile, 7, List.of(2, 3), List.of(), List.of()));
        out.add(new ObjectUse("clock", clock, 8, List.of(2), List.of(2), List.of()));
        out.add(new ObjectUse("disconnector", disconnector, 70, List.of(2, 3), List.of(), List.of(1, 2)));
        out.add(new ObjectUse("limiter", limiter, 71, List.of(2, 4), List.of(4), List.of()));
        out.add(new ObjectUse("limiter's monitored value", activePower, 3, List.of(3), List.of(), List.of()));
        out.add(new ObjectUse("message", message, 1, List.of(2), List.of(2), List.of()));
        out.add(new ObjectUse("gas index", gasIndex, 4, List.of(2, 3), List.of(), List.of()));
        out.add(new ObjectUse("gas valve", gasValve, 70, List.of(2, 3), List.of(), List.of(1, 2)));
        out.add(new ObjectUse("invocation counter", invocationCounter, 1, List.of(2), List.of(), List.of()));
        out.add(new ObjectUse("tariff", tariff, 1, List.of(2), List.of(), List.of()));
        out.add(new ObjectUse("push setup", pushSetup, 40, List.of(3), List.of(3, 5, 6, 7), List.of()));
        out.add(new ObjectUse("security setup", securitySetup, 64, List.of(), List.of(), List.of(2)));
        for (MeterLog log : MeterLog.values()) out.add(new ObjectUse(log.key(), logs.obis(log), 7, List.of(2, 3), List.of(), List.of()));
        out.add(new ObjectUse("alarm register", logs.alarmRegister(), 1, List.of(2), logs.clearAlarmRegister() ? List.of(2) : List.of(), List.of()));
        return out;
    }
}
