package org.openhes.headend.protocol.model;

/**
 * What the disconnector reports after a command: output_state (true = supply on) and control_state.
 */
public record BreakerState(boolean outputState, ControlState controlState) {
}
