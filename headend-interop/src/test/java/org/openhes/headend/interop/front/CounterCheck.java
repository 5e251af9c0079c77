package org.openhes.headend.interop.front;

/** Decides whether a ciphered APDU's invocation counter is fresh for its client SAP. */
@FunctionalInterface
public interface CounterCheck {
    /** True if {@code counter} is accepted (and remembered); false if the client must be dropped. */
    boolean accept(int clientSap, long counter);
}
