package org.openhes.headend.interop.meter;

/**
 * The breaker's state machine of interface class 70 (Blue Book): remote_disconnect opens it in every
 * mode but 0; remote_reconnect closes it directly in modes 2 and 4 and only arms it
 * (ready_for_reconnection) in modes 1, 3, 5 and 6, where the customer's button closes it.
 */
public final class Disconnector {
    public static final int DISCONNECTED = 0;
    public static final int CONNECTED = 1;
    public static final int READY_FOR_RECONNECTION = 2;
    /** Remote reconnection closes the breaker directly. */
    public static final int DEFAULT_CONTROL_MODE = 2;

    private int controlState = CONNECTED;
    private int controlMode = DEFAULT_CONTROL_MODE;
    private int remoteDisconnects;
    private int remoteReconnects;

    /** What a remote method did, so the COSEM object can answer the client. */
    public enum Outcome { DONE, NOT_IN_THIS_MODE }

    public synchronized boolean outputState() {
        return controlState == CONNECTED;
    }

    public synchronized int controlState() {
        return controlState;
    }

    public synchronized int controlMode() {
        return controlMode;
    }

    public synchronized void setControlMode(int mode) {
        if (mode < 0 || mode > 6) {
            throw new IllegalArgumentException("control_mode must be 0..6 (was " + mode + ")");
        }
        controlMode = mode;
        if (mode == 0) {
            controlState = CONNECTED;
        }
    }

    public synchronized Outcome remoteDisconnect() {
        if (controlMode == 0) {
            return Outcome.NOT_IN_THIS_MODE;
        }
        remoteDisconnects++;
        controlState = DISCONNECTED;
        return Outcome.DONE;
    }

    public synchronized Outcome remoteReconnect() {
        if (controlMode == 0) {
            return Outcome.NOT_IN_THIS_MODE;
        }
        remoteReconnects++;
        if (controlState == DISCONNECTED) {
            controlState = (controlMode == 2 || controlMode == 4) ? CONNECTED : READY_FOR_RECONNECTION;
        }
        return Outcome.DONE;
    }

    /** The customer presses the button (transition e): only an armed breaker closes. */
    public synchronized void pressButton() {
        if (controlState == READY_FOR_RECONNECTION) {
            controlState = CONNECTED;
        }
    }

    public synchronized int remoteDisconnects() {
        return remoteDisconnects;
    }

    public synchronized int remoteReconnects() {
        return remoteReconnects;
    }
}
