package org.openhes.headend.simulator;

/** The invocation counter value as the simulator stores it, recognisable after Gurux has run. */
final class CounterMarker extends Number {
    private static final long serialVersionUID = 1L;
    private final long value;

    CounterMarker(long value) {
        this.value = value;
    }

    @Override public int intValue() { return (int) value; }
    @Override public long longValue() { return value; }
    @Override public float floatValue() { return value; }
    @Override public double doubleValue() { return value; }
    @Override public String toString() { return Long.toString(value); }
}
