package org.openhes.headend.simulator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Derives each meter's identity and keys from (fleet seed, index), so two runs with the same seed
 * describe the same fleet and nothing has to be stored per meter.
 */
public final class FleetIdentities {
    /** GS1 company prefix used for simulated Belgian delivery points. */
    static final String EAN_PREFIX = "5414488";
    static final byte[] MANUFACTURER = "OHS".getBytes(StandardCharsets.US_ASCII);

    private final long seed;
    private final String firstHost;
    private final int port;
    private final boolean singleAddress;

    FleetIdentities(long seed, boolean singleAddress, int port) {
        this.seed = seed;
        this.singleAddress = singleAddress;
        this.firstHost = "127.1.0.1";
        this.port = port;
    }

    /** Meter {@code i}'s identity, reachable at {@code port} (its own port in single-address mode). */
    public MeterIdentity identity(int i, int port) {
        String host = singleAddress ? "127.0.0.1" : hostOf(i);
        int p = port;
        return new MeterIdentity(i, ean(i), String.format("OHS%08d", i + 1), systemTitle(i),
                derive("ek", i), derive("ak", i), derive("kek", i), "lls" + String.format("%05d", (i * 7919) % 100000), host, p);
    }

    /** The keys the meter really uses: the exported ones, or other ones when it is a wrong-keys meter. */
    byte[] realKey(String what, int i, boolean wrong) {
        return wrong ? derive(what + "-wrong", i) : derive(what, i);
    }

    static String ean(int i) {
        String body = EAN_PREFIX + String.format("%010d", i + 1);
        return body + gs1CheckDigit(body);
    }

    /** GS1 mod-10: weights 3,1,3,... from the rightmost digit of the body. */
    public static int gs1CheckDigit(String body) {
        int sum = 0;
        for (int k = 0; k < body.length(); k++) {
            int d = body.charAt(body.length() - 1 - k) - '0';
            sum += (k % 2 == 0) ? 3 * d : d;
        }
        return (10 - sum % 10) % 10;
    }

    static byte[] systemTitle(int i) {
        return ByteBuffer.allocate(8).put(MANUFACTURER).put((byte) 0x01).putInt(i + 1).array();
    }

    /** Meter index i → 127.x.y.z with z in 1..254, starting at 127.1.0.1. */
    static String hostOf(int i) {
        int last = i % 254 + 1;
        int rest = i / 254;
        return "127." + (1 + rest / 256) + "." + (rest % 256) + "." + last;
    }

    /** The inverse of {@link #hostOf}, or -1 when the address is not one of ours. */
    static int indexOf(byte[] ipv4) {
        if (ipv4.length != 4 || (ipv4[0] & 0xFF) != 127) return -1;
        int second = ipv4[1] & 0xFF, third = ipv4[2] & 0xFF, last = ipv4[3] & 0xFF;
        if (second < 1 || last < 1 || last > 254) return -1;
        return ((second - 1) * 256 + third) * 254 + (last - 1);
    }

    private byte[] derive(String what, int i) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(ByteBuffer.allocate(8).putLong(seed).array(), "HmacSHA256"));
            mac.update(what.getBytes(StandardCharsets.US_ASCII));
            mac.update(ByteBuffer.allocate(4).putInt(i).array());
            return Arrays.copyOf(mac.doFinal(), 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String firstHost() {
        return firstHost;
    }

    int port() {
        return port;
    }
}
