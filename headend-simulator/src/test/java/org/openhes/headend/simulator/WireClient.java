package org.openhes.headend.simulator;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXDLMSClient;
import gurux.dlms.GXDLMSException;
import gurux.dlms.GXDLMSSettings;
import gurux.dlms.GXReplyData;
import gurux.dlms.enums.Authentication;
import gurux.dlms.enums.InterfaceType;
import gurux.dlms.enums.Security;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.secure.GXDLMSSecureClient;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A plain Gurux client on a real socket to one simulated meter, for tests that look at the wire: it keeps
 * every frame the meter sent ({@link #received}), and each read waits at most {@link #DEADLINE_MS}.
 */
final class WireClient implements AutoCloseable {
    static final byte[] CLIENT_TITLE = HexFormat.of().parseHex("4F48450000000001");
    static final int DEADLINE_MS = 5000;

    final Client client;
    final SimTransport transport;
    final List<byte[]> received = new ArrayList<>();
    private final Socket socket;
    private final InputStream in;
    private boolean linkUp;

    /** Gurux's client, with its settings within reach (a test may spoil a challenge). */
    static final class Client extends GXDLMSSecureClient {
        Client(int clientSap, int serverAddress, Authentication authentication, String password, InterfaceType type) {
            super(true, clientSap, serverAddress, authentication, password, type);
        }

        GXDLMSSettings settings() {
            return getSettings();
        }
    }

    private WireClient(MeterIdentity id, SimTransport transport, Client client) throws IOException {
        this.client = client;
        this.transport = transport;
        this.socket = new Socket();
        socket.connect(new InetSocketAddress(id.host(), id.port()), DEADLINE_MS);
        socket.setSoTimeout(DEADLINE_MS);
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
    }

    /** The management client (SAP 1, HLS5-GMAC, authenticated and encrypted) with the keys the fleet exports. */
    static WireClient management(SimulatedFleet fleet, int meter, long invocationCounter) throws IOException {
        MeterIdentity id = fleet.identity(meter);
        Client c = new Client(1, serverAddress(fleet), Authentication.HIGH_GMAC, null, interfaceType(fleet));
        c.getCiphering().setSecurity(Security.AUTHENTICATION_ENCRYPTION);
        c.getCiphering().setSystemTitle(CLIENT_TITLE);
        c.getCiphering().setBlockCipherKey(id.encryptionKey());
        c.getCiphering().setAuthenticationKey(id.authenticationKey());
        c.getCiphering().setInvocationCounter(invocationCounter);
        return new WireClient(id, fleet.config().transport(), c);
    }

    /** The reader client (SAP 32, LLS) with {@code password}. */
    static WireClient reader(SimulatedFleet fleet, int meter, String password) throws IOException {
        Client c = new Client(32, serverAddress(fleet), Authentication.LOW, password, interfaceType(fleet));
        return new WireClient(fleet.identity(meter), fleet.config().transport(), c);
    }

    /** The public client (SAP 16, no security). */
    static WireClient open(SimulatedFleet fleet, int meter) throws IOException {
        Client c = new Client(16, serverAddress(fleet), Authentication.NONE, null, interfaceType(fleet));
        return new WireClient(fleet.identity(meter), fleet.config().transport(), c);
    }

    private static int serverAddress(SimulatedFleet fleet) {
        return fleet.config().transport() == SimTransport.HDLC ? GXDLMSClient.getServerAddress(1, 17, 0) : 1;
    }

    private static InterfaceType interfaceType(SimulatedFleet fleet) {
        return fleet.config().transport() == SimTransport.HDLC ? InterfaceType.HDLC : InterfaceType.WRAPPER;
    }

    /** Sends one frame and returns the meter's next whole frame; EOFException when it closed the connection. */
    byte[] send(byte[] frame) throws IOException {
        transportSend(frame);
        byte[] reply = readFrame();
        received.add(reply);
        return reply;
    }

    /** Sends one frame and reads nothing back. */
    void transportSend(byte[] frame) throws IOException {
        socket.getOutputStream().write(frame);
        socket.getOutputStream().flush();
    }

    private byte[] readFrame() throws IOException {
        if (transport == SimTransport.WRAPPER) {
            byte[] header = readExactly(8);
            int length = ((header[6] & 0xFF) << 8) | (header[7] & 0xFF);
            byte[] frame = Arrays.copyOf(header, 8 + length);
            System.arraycopy(readExactly(length), 0, frame, 8, length);
            return frame;
        }
        byte[] start = readExactly(3);
        int length = ((start[1] & 0x07) << 8) | (start[2] & 0xFF);
        byte[] frame = Arrays.copyOf(start, length + 2);
        System.arraycopy(readExactly(length - 1), 0, frame, 3, length - 1);
        return frame;
    }

    private byte[] readExactly(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) throw new EOFException("the meter closed the connection after " + b.length + " of " + n + " bytes");
        return b;
    }

    /** True when the meter closes the connection, sending nothing more, within the deadline. */
    boolean closesWithoutAnswer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** HDLC only: SNRM/UA, with the link limits the client proposes. */
    byte[] snrm() throws Exception {
        byte[] ua = send(client.snrmRequest());
        GXReplyData reply = new GXReplyData();
        client.getData(new GXByteBuffer(ua), reply, new GXReplyData());
        client.parseUAResponse(reply.getData());
        linkUp = true;
        return ua;
    }

    /** Sends the AARQ (after SNRM over HDLC) and returns the raw AARE frame, unparsed. */
    byte[] sendAarq() throws Exception {
        if (transport == SimTransport.HDLC && !linkUp) snrm();
        byte[][] aarq = client.aarqRequest();
        if (aarq.length != 1) throw new AssertionError("AARQ in " + aarq.length + " frames");
        return send(aarq[0]);
    }

    /** Lets Gurux read the AARE (it throws when the meter rejected the association). */
    void parseAare(byte[] frame) throws Exception {
        GXReplyData reply = new GXReplyData();
        client.getData(new GXByteBuffer(frame), reply, new GXReplyData());
        client.parseAareResponse(reply.getData());
    }

    /** AARQ/AARE, then HLS pass 3/4 for the management client. */
    void associate() throws Exception {
        parseAare(sendAarq());
        if (client.getAuthentication().getValue() > Authentication.LOW.getValue()) pass3();
    }

    void pass3() throws Exception {
        GXReplyData reply = exchange(client.getApplicationAssociationRequest());
        client.parseApplicationAssociationResponse(reply.getData());
    }

    /** One request, its replies read to the end (HDLC segments, GET blocks); throws when the meter refused it. */
    GXReplyData exchange(byte[][] frames) throws Exception {
        GXReplyData reply = new GXReplyData();
        for (byte[] frame : frames) {
            reply.clear();
            exchangeOne(frame, reply);
            while (reply.isMoreData()) exchangeOne(client.receiverReady(reply), reply);
        }
        return reply;
    }

    private void exchangeOne(byte[] frame, GXReplyData reply) throws Exception {
        byte[] answer = send(frame);
        if (!client.getData(new GXByteBuffer(answer), reply, new GXReplyData()))
            throw new AssertionError("not a whole reply: " + hex(answer));
        if (reply.getError() != 0) throw new GXDLMSException(reply.getError());
    }

    /** Reads attribute {@code attribute} of {@code object} into it, and returns the value. */
    Object read(GXDLMSObject object, int attribute) throws Exception {
        GXReplyData reply = exchange(client.read(object, attribute));
        return client.updateValue(object, attribute, reply.getValue());
    }

    /** Reads rows of {@code profile} with {@code request} (a readRowsBy... of this client) into its buffer. */
    Object[] readRows(gurux.dlms.objects.GXDLMSProfileGeneric profile, byte[][] request) throws Exception {
        client.updateValue(profile, 2, exchange(request).getValue());
        return profile.getBuffer();
    }

    /** The APDU in a meter's frame (after the wrapper header, or the HDLC header and LLC bytes). */
    byte[] apdu(byte[] frame) {
        if (transport == SimTransport.WRAPPER) return Arrays.copyOfRange(frame, 8, frame.length);
        int pos = 3;
        for (int address = 0; address < 2; address++) {
            while ((frame[pos] & 1) == 0) pos++;
            pos++;
        }
        pos += 3; // control byte, header check sequence
        return Arrays.copyOfRange(frame, pos + 3, frame.length - 3); // LLC bytes ... frame check sequence, flag
    }

    static String hex(byte[] b) {
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(b);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
