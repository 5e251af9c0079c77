package org.openhes.headend.interop.front;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP front on 127.0.0.1 that relays wrapper frames to the meter and checks, on the way in, the
 * invocation counter of every ciphered APDU; a counter that is not fresh closes both connections
 * with no answer, as many real meters do. jDLMS's server does not check counters itself.
 */
public final class InvocationCounterFront implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InvocationCounterFront.class);

    private final ServerSocket listener;
    private final InetSocketAddress meter;
    private final CounterCheck check;
    private final Set<FrontConnection> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile WireTap tap = WireTap.NONE;

    private InvocationCounterFront(ServerSocket listener, InetSocketAddress meter, CounterCheck check) {
        this.listener = listener;
        this.meter = meter;
        this.check = check;
        this.acceptor = Thread.ofPlatform().daemon().name("counter-front-accept-" + listener.getLocalPort())
                .unstarted(this::acceptLoop);
    }

    /** Listens on an ephemeral port of 127.0.0.1, relaying to {@code meterPort} on the same address. */
    public static InvocationCounterFront start(int meterPort, CounterCheck check) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        InvocationCounterFront front = new InvocationCounterFront(listener,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), meterPort), check);
        front.acceptor.start();
        return front;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Shows every frame to {@code t} from now on (for wire notes and byte-level assertions). */
    public void tap(WireTap t) {
        tap = t == null ? WireTap.NONE : t;
    }

    /** Connections currently relayed. */
    public int openConnections() {
        return connections.size();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (FrontConnection c : connections) {
            c.close();
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket upstream = new Socket();
                try {
                    upstream.connect(meter, 5_000);
                } catch (IOException e) {
                    log.debug("meter at {} unreachable, dropping the client", meter, e);
                    client.close();
                    upstream.close();
                    continue;
                }
                FrontConnection c = new FrontConnection(client, upstream, check, () -> tap, connections::remove);
                connections.add(c);
                c.start();
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                log.debug("accept failed", e);
            }
        }
    }
}
