package org.openhes.headend.protocol.session;

import static org.openhes.headend.protocol.session.DlmsValues.ln;

import gurux.dlms.enums.DataType;
import gurux.dlms.enums.ErrorCode;
import gurux.dlms.enums.ObjectType;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;

/**
 * The wire primitive of key renewal: {@code global_key_transfer} (method 2) of the security setup
 * (class 64) the profile names, with each new key wrapped under the meter's master key (KEK). It only
 * sends the keys; whether the meter took them when the answer is lost (a dropped link) is for the
 * caller's renewal state machine to find out, by associating with the new keys or the old ones.
 *
 * <p>The meter's answer is ciphered with the keys of the current association, so this association
 * stays usable until it ends; the new keys apply from the meter's next association on. No key, wrapped
 * or not, is put into a message or a step name.
 */
public final class KeyTransfer {
    static final int SECURITY_SETUP_CLASS = 64, GLOBAL_KEY_TRANSFER = 2;
    /** key_id of the Blue Book's global_key_transfer: global unicast encryption key, authentication key. */
    static final int UNICAST_ENCRYPTION_KEY = 0, AUTHENTICATION_KEY = 2;

    private final Association association;
    private final String obis;

    KeyTransfer(Association association) {
        this.association = association;
        this.obis = association.target().profile().securitySetup();
    }

    /**
     * Sends the new keys, each wrapped (RFC 3394) under {@code kek}; either may be null to change only
     * the other. Completes when the meter answered success; fails with a {@link MeterException}:
     * {@link MeterFailureKind#REQUEST_REFUSED} when the meter refused the transfer (most often: it could
     * not unwrap the keys, the KEK is not the meter's), else as any request fails (a lost link is
     * {@link MeterFailureKind#CONNECTION_LOST}: the meter may or may not have taken the keys).
     *
     * @throws IllegalArgumentException when both keys are null, or a key or the KEK is not 16 bytes
     */
    public CompletableFuture<Void> transfer(byte[] kek, byte[] newEncryptionKey, byte[] newAuthenticationKey) {
        if (newEncryptionKey == null && newAuthenticationKey == null) {
            throw new IllegalArgumentException("a key transfer needs a new encryption key, a new authentication key, or both");
        }
        byte[] parameter = parameter(kek, newEncryptionKey, newAuthenticationKey);
        String step = "ACTION " + obis + "/" + GLOBAL_KEY_TRANSFER + " (global_key_transfer)";
        return association.exchangeForResult(step, () -> association.codec().method(ln(obis), ObjectType.SECURITY_SETUP,
                GLOBAL_KEY_TRANSFER, parameter, DataType.ARRAY)).thenAccept(reply -> {
            int result = reply.getError();
            if (result != 0) {
                boolean rights = result == ErrorCode.READ_WRITE_DENIED.getValue() || result == ErrorCode.ACCESS_VIOLATED.getValue();
                throw association.failures().of(MeterFailureKind.REQUEST_REFUSED, step, "the meter refused the key transfer ("
                        + Failures.resultName(result) + "): check the meter's master key (KEK)"
                        + (rights ? " and that this client may change keys" : ""));
            }
        }).whenComplete((v, e) -> Arrays.fill(parameter, (byte) 0));
    }

    /**
     * The method's parameter, encoded here (A-XDR) so that no codec object holds the keys: array of
     * structure { key_id enum, key_wrapped octet-string }.
     */
    static byte[] parameter(byte[] kek, byte[] newEncryptionKey, byte[] newAuthenticationKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x01); // array
        out.write((newEncryptionKey != null ? 1 : 0) + (newAuthenticationKey != null ? 1 : 0));
        if (newEncryptionKey != null) key(out, UNICAST_ENCRYPTION_KEY, KeyWrap.wrap(kek, newEncryptionKey));
        if (newAuthenticationKey != null) key(out, AUTHENTICATION_KEY, KeyWrap.wrap(kek, newAuthenticationKey));
        return out.toByteArray();
    }

    private static void key(ByteArrayOutputStream out, int id, byte[] wrapped) {
        out.write(0x02); // structure
        out.write(2);
        out.write(0x16); // enum
        out.write(id);
        out.write(0x09); // octet-string
        out.write(wrapped.length);
        out.writeBytes(wrapped);
        Arrays.fill(wrapped, (byte) 0);
    }

    @Override
    public String toString() {
        return "KeyTransfer[" + association.target().meterId() + ", " + obis + "]";
    }
}
