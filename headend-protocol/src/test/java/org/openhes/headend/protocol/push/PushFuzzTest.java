package org.openhes.headend.protocol.push;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Whatever arrives on the push port and claims to be ciphered, decoding ends with an event, null, or an
 * Exception the listener reports. Unciphered pushes never reach the codec (see PushListener): the kept
 * input {@code unciphered-compact-array-oom} made Gurux 4.0.47 loop until the heap was exhausted.
 */
class PushFuzzTest {
    static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090A0B0C0D0E0F");

    @FuzzTest(maxDuration = "10s")
    void pushFrames(byte[] apdu) {
        byte[] frame = org.openhes.headend.protocol.fuzz.ReplyFuzzTest.frame(apdu);
        byte[] title = PushListener.systemTitleOf(frame);
        if (title == null) return; // refused before decoding, as the listener does
        PushListener.PushKeys keys = new PushListener.PushKeys("541448800000000017", KEY, KEY);
        try {
            PushListener.decodeFrame(frame, HexFormat.of().formatHex(title), keys, Instant.EPOCH);
        } catch (Exception rejectedCleanly) {
            // the listener turns any Exception into a "rejected" report; an Error would escape
        }
    }
}
