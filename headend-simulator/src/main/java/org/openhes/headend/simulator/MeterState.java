package org.openhes.headend.simulator;

/**
 * The little a simulated meter remembers between connections; everything else (indexes, the daily
 * profile) is computed from the consumption model and the clock. Kept small so 100,000 fit easily.
 * Guarded by its own monitor: a meter has at most a few connections at once.
 */
public final class MeterState {
    /** control_state values of the disconnect control object (class 70, attribute 3). */
    public static final int DISCONNECTED = 0, CONNECTED = 1, READY_FOR_RECONNECTION = 2;

    private int controlState = CONNECTED;
    private final int controlMode;
    /** The gas valve on M-Bus channel 1 (disconnect control 0-1:24.4.0.255): re-opened only by the customer, for safety. */
    private int gasValveState = CONNECTED;
    private long thresholdNormalWatts; // 0 = no limit
    private String message = "";
    private String p1Message = "";
    private long nextInvocationCounter = 1;
    private long clockOffsetMillis;
    private int sessions;
    private PushSettings push; // null: the meter's factory settings, no destination
    /** The alarm register 0-0:97.98.0.255 (UINT32 bits). */
    private long alarmRegister;
    /** The disconnector control log, oldest first: epoch second << 8 | event code; null until the first event. */
    private long[] controlLog;
    private int controlLogCount;

    /** The keys a key transfer set, or null: the factory keys, which the fleet derives (nothing stored per meter). */
    private byte[] encryptionKey, authenticationKey;
    private int keyChanges;
    /** One shot: the next successful key transfer drops the link instead of answering. */
    private boolean dropLinkAfterKeyTransfer;

    /** How many disconnector control events the meter keeps (the oldest go first). */
    static final int CONTROL_LOG_SIZE = 100;

    /** What a head-end wrote into the alarm push setup (class 40): destination {@code host:port} and the retry attributes. */
    public record PushSettings(String destination, int randomisationSeconds, int retries, int repetitionDelaySeconds) {
    }

    MeterState(int controlMode) {
        this.controlMode = controlMode;
    }

    public synchronized int controlState() { return controlState; }
    public synchronized boolean outputState() { return controlState == CONNECTED; }
    public int controlMode() { return controlMode; }
    public synchronized long thresholdNormalWatts() { return thresholdNormalWatts; }
    public synchronized String message() { return message; }
    public synchronized String p1Message() { return p1Message; }
    /** The lowest invocation counter the meter still accepts from the management client. */
    public synchronized long nextInvocationCounter() { return nextInvocationCounter; }
    public synchronized long clockOffsetMillis() { return clockOffsetMillis; }
    /** Completed associations, for tests. */
    public synchronized int sessions() { return sessions; }

    /** A remote disconnection at {@code epochSecond}; logged (62) when the breaker was not already open. */
    synchronized void remoteDisconnect(long epochSecond) {
        if (controlState != DISCONNECTED) logControlEvent(epochSecond, EventLogs.REMOTE_DISCONNECTION);
        controlState = DISCONNECTED;
    }

    /**
     * Modes 1, 3 and 5 need the customer to press the button after a remote reconnect. Logged at
     * {@code epochSecond} when the state changes: 59 (ready for manual reconnection) or 63 (remote connection).
     */
    synchronized void remoteReconnect(long epochSecond) {
        if (controlState == CONNECTED) return;
        int next = (controlMode == 1 || controlMode == 3 || controlMode == 5) ? READY_FOR_RECONNECTION : CONNECTED;
        if (next != controlState) {
            logControlEvent(epochSecond, next == CONNECTED ? EventLogs.REMOTE_CONNECTION : EventLogs.READY_FOR_MANUAL_RECONNECTION);
        }
        controlState = next;
    }

    /** Appends {@code code} at {@code epochSecond} to the disconnector control log, dropping the oldest beyond its size. */
    synchronized void logControlEvent(long epochSecond, int code) {
        if (controlLog == null) controlLog = new long[8];
        if (controlLogCount == CONTROL_LOG_SIZE) {
            System.arraycopy(controlLog, 1, controlLog, 0, CONTROL_LOG_SIZE - 1);
            controlLogCount--;
        } else if (controlLogCount == controlLog.length) {
            controlLog = java.util.Arrays.copyOf(controlLog, Math.min(CONTROL_LOG_SIZE, controlLog.length * 2));
        }
        controlLog[controlLogCount++] = epochSecond << 8 | (code & 0xFF);
    }

    /** The disconnector control log, oldest first: each {epoch second, event code}. */
    public synchronized java.util.List<long[]> controlLog() {
        java.util.List<long[]> events = new java.util.ArrayList<>(controlLogCount);
        for (int k = 0; k < controlLogCount; k++) events.add(new long[] {controlLog[k] >> 8, controlLog[k] & 0xFF});
        return events;
    }

    /** The alarm register's bits (0-0:97.98.0.255). */
    public synchronized long alarmRegister() { return alarmRegister; }
    /** A head-end's write: the register takes the value (0 clears it). */
    synchronized void alarmRegister(long bits) { alarmRegister = bits & 0xFFFF_FFFFL; }
    /** The meter raises alarms: ORed into the register. */
    synchronized void raiseAlarm(long bits) { alarmRegister |= bits & 0xFFFF_FFFFL; }

    public synchronized int gasValveState() { return gasValveState; }

    synchronized void closeGasValve() {
        gasValveState = DISCONNECTED;
    }

    /** A remote reconnection of the gas valve only arms it: the customer opens it at the meter. */
    synchronized void armGasValve() {
        if (gasValveState == DISCONNECTED) gasValveState = READY_FOR_RECONNECTION;
    }

    /** The customer opens an armed gas valve at the meter. */
    public synchronized void openGasValveAtTheMeter() {
        if (gasValveState == READY_FOR_RECONNECTION) gasValveState = CONNECTED;
    }

    /** The customer presses the meter's button. */
    public synchronized void pressButton() {
        if (controlState == READY_FOR_RECONNECTION) controlState = CONNECTED;
    }

    synchronized void thresholdNormalWatts(long w) { thresholdNormalWatts = w; }
    synchronized void message(String m) { message = m; }
    synchronized void p1Message(String m) { p1Message = m; }
    synchronized void clockOffsetMillis(long ms) { clockOffsetMillis = ms; }
    synchronized void sessionEnded() { sessions++; }
    /** The alarm push setup as last written, or null when no head-end has set it. */
    public synchronized PushSettings pushSettings() { return push; }
    synchronized void pushSettings(PushSettings p) { push = p; }

    /** Never lowers: a counter once seen can't be reused. */
    synchronized void acceptedInvocationCounter(long used) {
        if (used + 1 > nextInvocationCounter) nextInvocationCounter = used + 1;
    }

    /** The keys the meter uses now, {encryption, authentication}: copies; the factory ones given until a transfer changed them. */
    synchronized byte[][] keys(byte[] factoryEncryptionKey, byte[] factoryAuthenticationKey) {
        return new byte[][] {(encryptionKey != null ? encryptionKey : factoryEncryptionKey).clone(),
                (authenticationKey != null ? authenticationKey : factoryAuthenticationKey).clone()};
    }

    /**
     * A key transfer took: the keys given (null: unchanged) apply from the next association on. With
     * {@code resetCounter} the lowest invocation counter accepted from the client goes back to 0, as the
     * counter belongs to the key; else the old key's floor stays.
     */
    synchronized void keysChanged(byte[] newEncryptionKey, byte[] newAuthenticationKey, boolean resetCounter) {
        if (newEncryptionKey != null) encryptionKey = newEncryptionKey.clone();
        if (newAuthenticationKey != null) authenticationKey = newAuthenticationKey.clone();
        keyChanges++;
        if (resetCounter) nextInvocationCounter = 0;
    }

    /** Key transfers applied. */
    public synchronized int keyChanges() { return keyChanges; }

    synchronized void dropLinkAfterKeyTransfer() { dropLinkAfterKeyTransfer = true; }

    /** Whether this key transfer must drop the link instead of answering; clears the switch. */
    synchronized boolean takeDropLinkAfterKeyTransfer() {
        boolean drop = dropLinkAfterKeyTransfer;
        dropLinkAfterKeyTransfer = false;
        return drop;
    }

    /** For tests and the demo: the meter's clock runs {@code offsetMillis} ahead (negative: behind). */
    public synchronized void shiftClock(long offsetMillis) {
        clockOffsetMillis = offsetMillis;
    }

    /** For tests and the demo: jump the meter's counter (e.g. as if another head-end had used it). */
    public synchronized void forceInvocationCounter(long next) {
        if (next > nextInvocationCounter) nextInvocationCounter = next;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(controlState == CONNECTED, controlState, controlMode, thresholdNormalWatts, message, p1Message,
                nextInvocationCounter, clockOffsetMillis, sessions);
    }

    /** An immutable copy for assertions and displays. */
    public record Snapshot(boolean outputState, int controlState, int controlMode, long thresholdNormalWatts,
                           String message, String p1Message, long nextInvocationCounter, long clockOffsetMillis,
                           int sessions) {
    }
}
