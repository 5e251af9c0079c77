package org.openhes.headend.protocol;

import java.util.List;
import java.util.Objects;
import org.openhes.headend.protocol.transport.WireTrace;

/**
 * Every failed meter operation completes its future with this exception. It carries the
 * {@link MeterFailureKind}, the meter it concerns, and the step that failed, so that the message alone
 * tells an operator what happened: {@code meter 5414...@127.1.0.1:4059: GET 1-0:1.8.1.255/2:
 * response timeout after 30000 ms (attempt 2/5)}.
 */
public final class MeterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final MeterFailureKind kind;
    private final String meter;
    private final String step;
    private final String detail;
    private final transient List<WireTrace.Entry> trace;

    public MeterException(MeterFailureKind kind, String meter, String step, String detail) {
        this(kind, meter, step, detail, null);
    }

    public MeterException(MeterFailureKind kind, String meter, String step, String detail, Throwable cause) {
        this(kind, meter, step, detail, cause, List.of());
    }

    private MeterException(MeterFailureKind kind, String meter, String step, String detail, Throwable cause, List<WireTrace.Entry> trace) {
        super(format(kind, meter, step, detail), cause, false, cause != null);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.meter = meter;
        this.step = step;
        this.detail = detail;
        this.trace = List.copyOf(trace);
    }

    /** The same failure with the wire trace of the session(s) that led to it (when the caller asked for one). */
    public MeterException withTrace(List<WireTrace.Entry> entries) {
        MeterException m = new MeterException(kind, meter, step, detail, getCause(), entries);
        m.setStackTrace(getStackTrace());
        return m;
    }

    /** The frames exchanged up to the failure, when the session was traced; else empty. */
    public List<WireTrace.Entry> trace() {
        return trace;
    }

    /** What went wrong in a few words, without the kind, meter and step (may be null). */
    public String detail() {
        return detail;
    }

    private static String format(MeterFailureKind kind, String meter, String step, String detail) {
        StringBuilder sb = new StringBuilder();
        if (meter != null) sb.append("meter ").append(meter).append(": ");
        if (step != null) sb.append(step).append(": ");
        sb.append(kind.words());
        if (detail != null && !detail.isBlank()) sb.append(" (").append(detail).append(')');
        return sb.toString();
    }

    public MeterFailureKind kind() {
        return kind;
    }

    public boolean retryable() {
        return kind.retryable();
    }

    /** The meter as {@code id@host:port} or {@code host:port}; may be null before a meter is known. */
    public String meter() {
        return meter;
    }

    /** The step that failed, e.g. {@code connect}, {@code associate}, {@code GET 1-0:1.8.1.255/2}. */
    public String step() {
        return step;
    }

    /** Finds the {@link MeterException} in a completion chain, or null. */
    public static MeterException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MeterException m) return m;
        }
        return null;
    }
}
