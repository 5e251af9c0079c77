package org.openhes.headend.api.jobs;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.openhes.headend.protocol.MeterException;

/**
 * The optional parts of a daily session (load profile, logs, alarm register): a meter that lacks the
 * object, refuses it or answers it malformed does not fail the daily read; a failure of the link or the
 * keys fails the session as any other step.
 */
final class Refusals {
    private Refusals() {
    }

    /** The read's value, or {@code instead} of the meter's refusal. */
    static <T> CompletableFuture<T> tolerated(CompletableFuture<T> read, Function<MeterException, T> instead) {
        return read.handle((v, e) -> {
            if (e == null) return CompletableFuture.completedFuture(v);
            MeterException m = MeterException.find(e);
            if (m != null && switch (m.kind()) {
                case OBJECT_UNAVAILABLE, ACCESS_DENIED, REQUEST_REFUSED, MALFORMED_RESPONSE -> true;
                default -> false;
            }) {
                return CompletableFuture.completedFuture(instead.apply(m));
            }
            return CompletableFuture.<T>failedFuture(e);
        }).thenCompose(f -> f);
    }
}
