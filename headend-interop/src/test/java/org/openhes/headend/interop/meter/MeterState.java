package org.openhes.headend.interop.meter;

import java.time.Clock;
import java.util.Arrays;

/**
 * Everything a command can change on the meter, readable by tests to check the meter's side of a
 * command: the clock offset, the breaker, the limiter's settings, the customer message, the alarm push setup and the
 * invocation counters.
 */
public final class MeterState {
    /** The longest customer message the display takes. */
    public static final int MESSAGE_MAX_BYTES = 64;

    private final MeterTime time;
    private final Disconnector disconnector = new Disconnector();
    /** The gas valve on M-Bus channel 1: a remote reconnection only arms it (control mode 1). */
    private final Disconnector gasValve = new Disconnector();
    private final InvocationCounters counters = new InvocationCounters();
    private final PushSetup pushSetup = new PushSetup();
    private final DisconnectorLog disconnectorLog = new DisconnectorLog();
    private long thresholdNormalW = 9_200;
    private long thresholdEmergencyW = 4_600;
    private long minOverThresholdDurationS = 60;
    private long minUnderThresholdDurationS = 30;
    private byte[] message = new byte[0];
    private long alarmRegister;

    MeterState(Clock clock) {
        this.time = new MeterTime(clock);
        gasValve.setControlMode(1);
    }

    public MeterTime time() {
        return time;
    }

    public Disconnector disconnector() {
        return disconnector;
    }

    public Disconnector gasValve() {
        return gasValve;
    }

    public InvocationCounters counters() {
        return counters;
    }

    public DisconnectorLog disconnectorLog() {
        return disconnectorLog;
    }

    public PushSetup pushSetup() {
        return pushSetup;
    }

    public synchronized long thresholdNormalW() {
        return thresholdNormalW;
    }

    public synchronized void setThresholdNormalW(long watts) {
        thresholdNormalW = watts;
    }

    public synchronized long thresholdEmergencyW() {
        return thresholdEmergencyW;
    }

    public synchronized void setThresholdEmergencyW(long watts) {
        thresholdEmergencyW = watts;
    }

    public synchronized long minOverThresholdDurationS() {
        return minOverThresholdDurationS;
    }

    public synchronized void setMinOverThresholdDurationS(long seconds) {
        minOverThresholdDurationS = seconds;
    }

    public synchronized long minUnderThresholdDurationS() {
        return minUnderThresholdDurationS;
    }

    public synchronized void setMinUnderThresholdDurationS(long seconds) {
        minUnderThresholdDurationS = seconds;
    }

    public synchronized byte[] message() {
        return message.clone();
    }

    public synchronized void setMessage(byte[] text) {
        if (text.length > MESSAGE_MAX_BYTES) {
            throw new IllegalArgumentException("message must be at most " + MESSAGE_MAX_BYTES + " bytes (was " + text.length + ")");
        }
        message = Arrays.copyOf(text, text.length);
    }

    public synchronized long alarmRegister() {
        return alarmRegister;
    }

    /** Sets alarm bits, as the meter does when something happens. */
    public synchronized void raiseAlarm(long bits) {
        alarmRegister |= bits;
    }

    synchronized void setAlarmRegister(long bits) {
        alarmRegister = bits;
    }
}
