package org.openhes.headend.interop.front;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One client relayed to the meter: a thread each way, the counter check on the way in. */
final class FrontConnection {
    private static final Logger log = LoggerFactory.getLogger(FrontConnection.class);
    /** The wrapper's length field is 16 bits. */
    private static final int MAX_APDU = 0xFFFF;

    private final Socket client;
    private final Socket meter;
    private final CounterCheck check;
    private final Supplier<WireTap> tap;
    private final Consumer<FrontConnection> onClose;

    FrontConnection(Socket client, Socket meter, CounterCheck check, Supplier<WireTap> tap, Consumer<FrontConnection> onClose) {
        this.client = client;
        this.meter = meter;
        this.check = check;
        this.tap = tap;
        this.onClose = onClose;
    }

    void start() {
        String name = "counter-front-" + client.getPort();
        Thread.ofVirtual().name(name + "-in").start(this::clientToMeter);
        Thread.ofVirtual().name(name + "-out").start(this::meterToClient);
    }

    void close() {
        try {
            client.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            meter.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        onClose.accept(this);
    }

    private void clientToMeter() {
        try (InputStream in = client.getInputStream(); OutputStream out = meter.getOutputStream()) {
            WrapperFrame frame;
            while ((frame = WrapperFrame.read(in, MAX_APDU)) != null) {
                tap.get().frame(WireTap.Direction.CLIENT_TO_METER, frame);
                OptionalLong counter = CipheredApdus.invocationCounter(frame.apdu());
                if (counter.isPresent() && !check.accept(frame.source(), counter.getAsLong())) {
                    log.debug("client SAP {}: invocation counter {} not fresh, hanging up", frame.source(), counter.getAsLong());
                    return;
                }
                out.write(frame.bytes());
                out.flush();
            }
        } catch (IOException e) {
            log.trace("client side ended", e);
        } finally {
            close();
        }
    }

    private void meterToClient() {
        try (InputStream in = meter.getInputStream(); OutputStream out = client.getOutputStream()) {
            WrapperFrame frame;
            while ((frame = WrapperFrame.read(in, MAX_APDU)) != null) {
                tap.get().frame(WireTap.Direction.METER_TO_CLIENT, frame);
                out.write(frame.bytes());
                out.flush();
            }
        } catch (IOException e) {
            log.trace("meter side ended", e);
        } finally {
            close();
        }
    }
}
