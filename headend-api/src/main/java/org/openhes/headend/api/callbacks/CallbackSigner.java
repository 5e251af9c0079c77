package org.openhes.headend.api.callbacks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs callback bodies so the receiver can check they come from this head-end and were not altered
 * or replayed: header {@code X-Headend-Signature: t=<epoch seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}.
 * The timestamp lets the receiver refuse old deliveries.
 */
public final class CallbackSigner {
    public static final String HEADER = "X-Headend-Signature";
    private final byte[] secret;

    public CallbackSigner(byte[] secret) {
        if (secret.length < 16) throw new IllegalArgumentException("callback secret must be at least 16 bytes (was " + secret.length + ")");
        this.secret = secret.clone();
    }

    public String sign(long epochSeconds, byte[] body) {
        return "t=" + epochSeconds + ",v1=" + HexFormat.of().formatHex(mac(epochSeconds, body));
    }

    /** What a receiver does: recompute and compare in constant time. */
    public boolean verify(String header, byte[] body) {
        if (header == null) return false;
        long t = -1;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) return false;
            if (kv[0].equals("t")) {
                try {
                    t = Long.parseLong(kv[1]);
                } catch (NumberFormatException e) {
                    return false;
                }
            } else if (kv[0].equals("v1")) {
                v1 = kv[1];
            }
        }
        if (t < 0 || v1 == null) return false;
        byte[] given;
        try {
            given = HexFormat.of().parseHex(v1);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, mac(t, body));
    }

    private byte[] mac(long epochSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((epochSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "CallbackSigner[secret=***]";
    }
}
