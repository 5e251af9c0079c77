package org.openhes.headend.simulator;

import java.util.HexFormat;

/**
 * Who a simulated meter is and how to reach it: all derived from the fleet seed and the meter's index.
 * The keys are what the head-end must use as the meter left the factory (its key file): the encryption
 * and authentication keys until a key transfer changes them ({@link SimulatedFleet#currentKeys}), and
 * the master key (KEK) that wraps new ones, which never changes. {@link #toString()} never prints them.
 */
public record MeterIdentity(int index, String ean, String serial, byte[] systemTitle, byte[] encryptionKey,
                            byte[] authenticationKey, byte[] masterKey, String password, String host, int port) {

    public String systemTitleHex() {
        return HexFormat.of().withUpperCase().formatHex(systemTitle);
    }

    public String hostAndPort() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "MeterIdentity[" + index + ", ean=" + ean + ", serial=" + serial + ", systemTitle=" + systemTitleHex()
                + ", address=" + hostAndPort() + ", keys=***]";
    }
}
