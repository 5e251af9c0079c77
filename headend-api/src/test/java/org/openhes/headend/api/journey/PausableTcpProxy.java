package org.openhes.headend.api.journey;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback that can be paused, as a network partition is: while paused it forwards
 * nothing in either direction (connections stay open, bytes wait in the kernel's buffers, new
 * connections are accepted and then hang); resumed, everything flows again with nothing lost.
 */
final class PausableTcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean paused;
    private volatile boolean closed;

    PausableTcpProxy(int targetPort) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("proxy-accept").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    void pause() {
        paused = true;
    }

    void resume() {
        paused = false;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 5000);
                sockets.add(client);
                sockets.add(upstream);
                Thread.ofPlatform().daemon().name("proxy-up").start(() -> pump(client, upstream));
                Thread.ofPlatform().daemon().name("proxy-down").start(() -> pump(upstream, client));
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            while (!closed) {
                if (paused) {
                    Thread.sleep(10); // read nothing: the sender's bytes wait, as behind a cut link
                    continue;
                }
                int available = in.available();
                if (available == 0) {
                    from.setSoTimeout(10);
                    try {
                        int b = in.read();
                        if (b < 0) break;
                        out.write(b);
                    } catch (java.net.SocketTimeoutException idle) {
                        continue;
                    }
                    available = in.available();
                }
                if (available > 0 && !paused) {
                    int n = in.read(buf, 0, Math.min(buf.length, available));
                    if (n < 0) break;
                    out.write(buf, 0, n);
                }
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // a side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        sockets.forEach(PausableTcpProxy::closeQuietly);
    }
}
