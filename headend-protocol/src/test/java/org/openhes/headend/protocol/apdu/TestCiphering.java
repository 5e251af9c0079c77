package org.openhes.headend.protocol.apdu;

import java.io.ByteArrayOutputStream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** What a meter sends as ciphered content: security control 0x30, counter, AES-GCM ciphertext and tag. */
public final class TestCiphering {
    private TestCiphering() {
    }

    public static byte[] cipheredContent(byte[] systemTitle, byte[] ek, byte[] ak, int counter, byte[] plain) throws Exception {
        byte[] iv = new byte[12];
        System.arraycopy(systemTitle, 0, iv, 0, 8);
        iv[8] = (byte) (counter >> 24);
        iv[9] = (byte) (counter >> 16);
        iv[10] = (byte) (counter >> 8);
        iv[11] = (byte) counter;
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(ek, "AES"), new GCMParameterSpec(96, iv));
        byte[] aad = new byte[1 + ak.length];
        aad[0] = 0x30;
        System.arraycopy(ak, 0, aad, 1, ak.length);
        c.updateAAD(aad);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.write(iv, 8, 4);
        out.write(c.doFinal(plain));
        return out.toByteArray();
    }
}
