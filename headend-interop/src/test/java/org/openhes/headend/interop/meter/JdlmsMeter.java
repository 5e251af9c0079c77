package org.openhes.headend.interop.meter;

import java.io.IOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.time.Instant;
import org.openhes.headend.interop.front.InvocationCounterFront;
import org.openhes.headend.interop.front.WireTap;
import org.openmuc.jdlms.AuthenticationMechanism;
import org.openmuc.jdlms.ConformanceSetting;
import org.openmuc.jdlms.DlmsServer;
import org.openmuc.jdlms.LogicalDevice;
import org.openmuc.jdlms.SecuritySuite;
import org.openmuc.jdlms.SecuritySuite.EncryptionMechanism;
import org.openmuc.jdlms.SecuritySuite.SecurityPolicy;
import org.openmuc.jdlms.sessionlayer.server.ServerSessionLayerFactories;

/**
 * An independent DLMS/COSEM meter for interoperability tests: OpenMUC jDLMS's server holding logical
 * device 1 (server SAP 1) with three clients (SAP 1 management, HLS5-GMAC suite 0 authenticated and
 * encrypted; SAP 16 public, no security; SAP 32 reader, LLS) and the e-MUCS-like objects of
 * {@link CosemObjects}. With wrapper framing, clients connect to {@link #port()}, the invocation
 * counter front; with HDLC they reach jDLMS directly (no counter check).
 *
 * <p>jDLMS binds its own listener on all interfaces (its API takes only a port); the front, the
 * port tests use, binds 127.0.0.1.
 */
public final class JdlmsMeter implements AutoCloseable {
    public static final int LOGICAL_DEVICE = 1;
    private static final int BIND_ATTEMPTS = 5;

    private final MeterSettings settings;
    private final MeterState state;
    private final ConsumptionModel model = new ConsumptionModel();
    private LogicalDevice device;
    private final DlmsServer server;
    private final int jdlmsPort;
    private final InvocationCounterFront front;

    private JdlmsMeter(MeterSettings settings) throws IOException {
        this.settings = settings;
        this.state = new MeterState(settings.clock());
        int[] port = new int[1];
        this.server = startServer(new AssociationClients(), port);
        this.jdlmsPort = port[0];
        this.front = settings.framing() == MeterSettings.Framing.WRAPPER
                ? InvocationCounterFront.start(jdlmsPort, state.counters()) : null;
    }

    public static JdlmsMeter start(MeterSettings settings) throws IOException {
        return new JdlmsMeter(settings);
    }

    /** Where clients connect: the counter front (wrapper) or jDLMS itself (HDLC). */
    public int port() {
        return front != null ? front.port() : jdlmsPort;
    }

    /** jDLMS's own port, behind the front: a client here bypasses the counter check. */
    public int jdlmsPort() {
        return jdlmsPort;
    }

    public MeterSettings settings() {
        return settings;
    }

    public MeterState state() {
        return state;
    }

    /** The meter's system title: manufacturer id then the 5-byte device id. */
    public byte[] systemTitle() {
        return device.getSystemTitle().clone();
    }

    /** The indexes the registers (and, at midnight, the profile) give at {@code t} of the meter's clock. */
    public Indexes indexesAt(Instant t) {
        return model.indexesAt(t);
    }

    public ConsumptionModel model() {
        return model;
    }

    /** Shows the wrapper frames crossing the counter front to {@code tap} (wrapper framing only). */
    public void tap(WireTap tap) {
        if (front == null) {
            throw new IllegalStateException("no counter front with " + settings.framing() + " framing");
        }
        front.tap(tap);
    }

    @Override
    public void close() throws IOException {
        try {
            if (front != null) {
                front.close();
            }
        } finally {
            server.close();
        }
    }

    private static LogicalDevice logicalDevice(MeterSettings s) {
        LogicalDevice ld = new LogicalDevice(LOGICAL_DEVICE, s.logicalDeviceName(), s.manufacturerId(), s.deviceId());
        ld.setMasterKey(s.masterKey());
        ld.addRestriction(ClientSaps.MANAGEMENT, SecuritySuite.builder()
                .setAuthenticationMechanism(AuthenticationMechanism.HLS5_GMAC)
                .setEncryptionMechanism(EncryptionMechanism.AES_GCM_128)
                .setSecurityPolicy(SecurityPolicy.AUTHENTICATED_AND_ENCRYPTED)
                .setGlobalUnicastEncryptionKey(s.encryptionKey())
                .setAuthenticationKey(s.authenticationKey())
                .build());
        ld.addRestriction(ClientSaps.PUBLIC, SecuritySuite.builder()
                .setAuthenticationMechanism(AuthenticationMechanism.NONE).build());
        ld.addRestriction(ClientSaps.READER, SecuritySuite.builder()
                .setAuthenticationMechanism(AuthenticationMechanism.LOW).setPassword(s.readerPassword()).build());
        // Logical-name referencing only: the SN services (read, write, parameterized access) are left out.
        ld.setConformance(ConformanceSetting.GET, ConformanceSetting.SET, ConformanceSetting.ACTION,
                ConformanceSetting.SELECTIVE_ACCESS, ConformanceSetting.MULTIPLE_REFERENCES,
                ConformanceSetting.BLOCK_TRANSFER_WITH_GET_OR_READ);
        return ld;
    }

    /**
     * jDLMS takes a port number only, so a free one is found first and the race retried, each time
     * with a new logical device (jDLMS adds its system objects to the one it is given).
     */
    private DlmsServer startServer(AssociationClients clients, int[] boundPort) throws IOException {
        BindException last = null;
        for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
            int port = freePort();
            device = logicalDevice(settings);
            device.registerCosemObject(CosemObjects.all(state, model, new AccessPolicy(clients)));
            DlmsServer.TcpServerBuilder builder = DlmsServer.tcpServerBuilder(port)
                    .registerLogicalDevice(device)
                    .setConnectionListener(clients);
            if (settings.framing() == MeterSettings.Framing.HDLC) {
                builder.setSessionLayerFactory(ServerSessionLayerFactories.newHdlcSessionLayerFactory());
            }
            try {
                DlmsServer started = builder.build();
                boundPort[0] = port;
                return started;
            } catch (BindException e) {
                last = e;
            }
        }
        throw new IOException("no free port for jDLMS after " + BIND_ATTEMPTS + " attempts", last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
