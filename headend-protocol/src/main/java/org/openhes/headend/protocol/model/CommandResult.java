package org.openhes.headend.protocol.model;

import java.util.Map;

/**
 * A command's outcome and the state read back from the meter afterwards (e.g. {@code outputState},
 * {@code controlState}, {@code thresholdWatts}, {@code message}).
 */
public record CommandResult(String command, CommandOutcome outcome, Map<String, Object> state) {
    public CommandResult {
        state = Map.copyOf(state);
    }
}
