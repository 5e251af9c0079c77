package org.openhes.headend.protocol.session;

import java.security.Provider;
import java.security.Security;

/**
 * Gurux asks {@code Cipher.getInstance("AES/GCM/NoPadding")} for every ciphered APDU without naming a
 * provider, so the JDK walks its provider list each time; that walk was the largest single cost of a
 * session (see the README's performance section). Putting SunJCE, which serves AES-GCM, first in the
 * list makes the look-up stop at once. Nothing else changes: the same provider does the same work.
 */
public final class CryptoProviders {
    private CryptoProviders() {
    }

    /** Moves SunJCE to the front of the provider list (once; harmless when it is absent). */
    public static synchronized void preferSunJceForAes() {
        if (Boolean.getBoolean("headend.crypto.keepProviderOrder")) return;
        Provider jce = Security.getProvider("SunJCE");
        if (jce == null || Security.getProviders()[0] == jce) return;
        Security.removeProvider("SunJCE");
        Security.insertProviderAt(jce, 1);
    }
}
