package org.openhes.headend.interop.meter;

import java.io.IOException;
import java.net.InetAddress;
import org.openmuc.jdlms.AuthenticationMechanism;
import org.openmuc.jdlms.DlmsConnection;
import org.openmuc.jdlms.RawMessageListener;
import org.openmuc.jdlms.SecuritySuite;
import org.openmuc.jdlms.SecuritySuite.EncryptionMechanism;
import org.openmuc.jdlms.SecuritySuite.SecurityPolicy;
import org.openmuc.jdlms.TcpConnectionBuilder;

/** jDLMS's own client, set up as each of the meter's three clients. */
final class JdlmsClients {
    /** The head-end's system title as jDLMS's client announces it. */
    static final String CLIENT_MANUFACTURER = "OHE";
    static final long CLIENT_DEVICE_ID = 1;
    static final int RESPONSE_TIMEOUT_MS = 5_000;

    private JdlmsClients() {
    }

    /** The management client with the meter's keys, its counter one above the meter's last accepted. */
    static DlmsConnection management(JdlmsMeter meter) throws IOException {
        return management(meter, nextCounter(meter), meter.settings().encryptionKey(), meter.settings().authenticationKey(), null);
    }

    static DlmsConnection management(JdlmsMeter meter, long counter, byte[] ek, byte[] ak, RawMessageListener listener)
            throws IOException {
        SecuritySuite suite = SecuritySuite.builder()
                .setAuthenticationMechanism(AuthenticationMechanism.HLS5_GMAC)
                .setEncryptionMechanism(EncryptionMechanism.AES_GCM_128)
                .setSecurityPolicy(SecurityPolicy.AUTHENTICATED_AND_ENCRYPTED)
                .setGlobalUnicastEncryptionKey(ek)
                .setAuthenticationKey(ak)
                .build();
        TcpConnectionBuilder b = builder(meter, ClientSaps.MANAGEMENT).setSecuritySuite(suite)
                .setSystemTitle(CLIENT_MANUFACTURER, CLIENT_DEVICE_ID).setFrameCounter(counter).setChallengeLength(16);
        if (listener != null) {
            b.setRawMessageListener(listener);
        }
        return b.build();
    }

    static DlmsConnection publicClient(JdlmsMeter meter) throws IOException {
        return builder(meter, ClientSaps.PUBLIC).build();
    }

    static DlmsConnection reader(JdlmsMeter meter, byte[] password) throws IOException {
        SecuritySuite lls = SecuritySuite.builder().setAuthenticationMechanism(AuthenticationMechanism.LOW)
                .setPassword(password).build();
        return builder(meter, ClientSaps.READER).setSecuritySuite(lls).build();
    }

    /**
     * Releases the association. jDLMS's client reads the meter's hang-up after its release response on another
     * thread, and may report that end of stream to the release it is still completing: the association is
     * gone either way, so that one race is not a failure; any other error is.
     */
    static void release(DlmsConnection connection) throws IOException {
        if (connection == null) {
            return;
        }
        try {
            connection.disconnect();
        } catch (java.io.EOFException meterHungUpAfterRelease) {
            // the meter ended the connection after the release: nothing is left to tear down
        }
    }

    static long nextCounter(JdlmsMeter meter) {
        return meter.state().counters().lastAccepted(ClientSaps.MANAGEMENT) + 1;
    }

    private static TcpConnectionBuilder builder(JdlmsMeter meter, int clientSap) {
        TcpConnectionBuilder b = new TcpConnectionBuilder(InetAddress.getLoopbackAddress()).setPort(meter.port())
                .setClientId(clientSap).setLogicalDeviceId(JdlmsMeter.LOGICAL_DEVICE).setResponseTimeout(RESPONSE_TIMEOUT_MS);
        if (meter.settings().framing() == MeterSettings.Framing.HDLC) {
            b.useHdlc();
        }
        return b;
    }
}
