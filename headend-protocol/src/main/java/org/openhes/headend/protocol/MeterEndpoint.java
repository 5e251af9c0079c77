package org.openhes.headend.protocol;

import java.util.Objects;

/**
 * Where and how to reach a meter's logical device.
 *
 * @param host          IP address or host name
 * @param port          TCP port (4059 is the DLMS wrapper port)
 * @param transport     wrapper or HDLC
 * @param clientSap     client SAP: 1 management, 16 public
 * @param serverSap     server SAP / logical device (1 = management logical device)
 * @param hdlcPhysical  HDLC lower (physical) server address, used only with {@link Transport#HDLC}
 */
public record MeterEndpoint(String host, int port, Transport transport, int clientSap, int serverSap, int hdlcPhysical) {
    public MeterEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1..65535 (was " + port + ")");
        if (clientSap < 1 || clientSap > 127) throw new IllegalArgumentException("clientSap must be 1..127 (was " + clientSap + ")");
        if (serverSap < 0 || serverSap > 0x3FFF) throw new IllegalArgumentException("serverSap must be 0..16383 (was " + serverSap + ")");
        if (hdlcPhysical < 0 || hdlcPhysical > 0x3FFF) throw new IllegalArgumentException("hdlcPhysical must be 0..16383 (was " + hdlcPhysical + ")");
    }

    public static MeterEndpoint wrapper(String host, int port, int clientSap, int serverSap) {
        return new MeterEndpoint(host, port, Transport.WRAPPER, clientSap, serverSap, 0);
    }

    /** The same endpoint seen from another client SAP (e.g. 16, the public client). */
    public MeterEndpoint withClientSap(int sap) {
        return new MeterEndpoint(host, port, transport, sap, serverSap, hdlcPhysical);
    }

    public String hostAndPort() {
        return host + ":" + port;
    }
}
