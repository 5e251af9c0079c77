package org.openhes.headend.protocol.model;

/** The disconnect control's control_state (class 70, attribute 3). */
public enum ControlState {
    DISCONNECTED, CONNECTED, READY_FOR_RECONNECTION;

    public static ControlState of(int code) {
        return switch (code) {
            case 0 -> DISCONNECTED;
            case 1 -> CONNECTED;
            case 2 -> READY_FOR_RECONNECTION;
            default -> throw new IllegalArgumentException("control_state " + code + " is not 0, 1 or 2");
        };
    }
}
