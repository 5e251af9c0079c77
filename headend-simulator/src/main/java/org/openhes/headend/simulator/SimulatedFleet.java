package org.openhes.headend.simulator;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A fleet of simulated DLMS/COSEM meters behind real TCP sockets. In the default mode every meter has
 * its own loopback address (127.1.0.1, 127.1.0.2, ...) on one shared port, and the listener tells the
 * meters apart by the address the head-end dialled; in single-address mode each meter has its own port
 * on 127.0.0.1 (small fleets, any OS).
 */
public final class SimulatedFleet implements AutoCloseable {
    private final SimulatorConfig config;
    private final FleetIdentities identities;
    private final ConsumptionModel model;
    private final AtomicReferenceArray<MeterState> states;
    private final AtomicLong connections = new AtomicLong();
    private final EventLoopGroup group;
    private final Class<? extends ServerSocketChannel> serverChannel;
    private final List<Channel> listeners = new ArrayList<>();
    private final int[] ports;
    private int sharedPort;

    private SimulatedFleet(SimulatorConfig config, IoHandlerFactory ioHandlers, Class<? extends ServerSocketChannel> serverChannel) {
        this.config = config;
        this.identities = new FleetIdentities(config.seed(), config.singleAddress(), config.port());
        this.model = new ConsumptionModel(config.zone());
        this.states = new AtomicReferenceArray<>(config.meters());
        this.ports = config.singleAddress() ? new int[config.meters()] : null;
        this.serverChannel = serverChannel;
        this.group = new MultiThreadIoEventLoopGroup(config.workerThreads() > 0 ? config.workerThreads()
                : Runtime.getRuntime().availableProcessors(), ioHandlers);
    }

    /** Binds the listeners on the JDK's NIO transport and returns the running fleet. */
    public static SimulatedFleet start(SimulatorConfig config) throws InterruptedException {
        return start(config, NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }

    /**
     * Binds the listeners on the given Netty transport (the head-end's own, in benchmarks, so that both
     * ends pay the same per-connection costs) and returns the running fleet.
     */
    public static SimulatedFleet start(SimulatorConfig config, IoHandlerFactory ioHandlers,
                                       Class<? extends ServerSocketChannel> serverChannel) throws InterruptedException {
        SimulatedFleet fleet = new SimulatedFleet(config, ioHandlers, serverChannel);
        try {
            fleet.bind();
        } catch (RuntimeException | InterruptedException e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    private void bind() throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(serverChannel)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("frames", config.transport() == SimTransport.HDLC
                                ? MeterFrameDecoders.hdlc() : MeterFrameDecoders.wrapper());
                        ch.pipeline().addLast("meter", new MeterConnectionHandler(SimulatedFleet.this));
                    }
                });
        if (config.singleAddress()) {
            for (int i = 0; i < config.meters(); i++) {
                int want = config.port() == 0 ? 0 : config.port() + i;
                Channel ch = bindOrFail(bootstrap, new InetSocketAddress(config.bindHost(), want));
                ports[i] = ((InetSocketAddress) ch.localAddress()).getPort();
            }
        } else {
            // The wildcard address accepts every 127.x.y.z; non-loopback peers are refused by the handler.
            Channel ch = bindOrFail(bootstrap, new InetSocketAddress(config.port()));
            sharedPort = ((InetSocketAddress) ch.localAddress()).getPort();
        }
    }

    private Channel bindOrFail(ServerBootstrap bootstrap, InetSocketAddress address) throws InterruptedException {
        var future = bootstrap.bind(address).await();
        if (!future.isSuccess()) {
            throw new IllegalStateException("simulator cannot listen on " + address + ": " + future.cause().getMessage()
                    + " (choose another --port)", future.cause());
        }
        listeners.add(future.channel());
        return future.channel();
    }

    public SimulatorConfig config() {
        return config;
    }

    public int size() {
        return config.meters();
    }

    /** The identity the head-end must use for meter {@code i} (with the keys it exports). */
    public MeterIdentity identity(int i) {
        MeterIdentity id = identities.identity(i, config.singleAddress() ? ports[i] : sharedPort);
        if (config.advertiseHost() == null) return id;
        return new MeterIdentity(id.index(), id.ean(), id.serial(), id.systemTitle(), id.encryptionKey(), id.authenticationKey(),
                id.masterKey(), id.password(), config.advertiseHost(), id.port());
    }

    /** The remembered state of meter {@code i}. */
    public MeterState state(int i) {
        MeterState s = states.get(i);
        if (s != null) return s;
        // One meter in N only reaches ready_for_reconnection on a remote reconnect (control mode 1).
        boolean manual = manualReconnect(i);
        states.compareAndSet(i, null, new MeterState(manual ? 1 : 2));
        return states.get(i);
    }

    /** True when meter {@code i} needs the customer's button after a remote reconnect. */
    public boolean manualReconnect(int i) {
        double share = config.manualReconnectShare();
        if (share <= 0) return false;
        long step = Math.max(1, Math.round(1 / share));
        return i % step == step - 1;
    }

    /** The four indexes (Wh: import day, import night, export day, export night) meter {@code i} shows at {@code t}. */
    public long[] indexesAt(int i, java.time.Instant t) {
        return model.indexes(i, t);
    }

    /** A+ and A- (Wh) of meter {@code i} at {@code t}, as its load profile captures them. */
    public long[] loadIndexesAt(int i, java.time.Instant t) {
        return new LoadShape(model, config.zone()).at(i, t);
    }

    /** Whether meter {@code i} has a power failure on local {@code day} (its load profile then has a gap). */
    public boolean hasPowerFailure(int i, java.time.LocalDate day) {
        return PowerFailures.on(i, day) != null;
    }

    /** The gas index of meter {@code i} at {@code t}, in litres. */
    public long gasLitresAt(int i, java.time.Instant t) {
        return model.gasLitres(i, t);
    }

    /** The meter dialled at {@code local}, or -1. */
    int meterAt(InetSocketAddress local) {
        if (config.singleAddress()) {
            int port = local.getPort();
            for (int i = 0; i < ports.length; i++) if (ports[i] == port) return i;
            return -1;
        }
        int i = FleetIdentities.indexOf(local.getAddress().getAddress());
        return i >= 0 && i < config.meters() ? i : -1;
    }

    long connectionAccepted() {
        return connections.incrementAndGet();
    }

    /** Connections accepted since start. */
    public long connections() {
        return connections.get();
    }

    Fault decideFault(SplittableRandom random) {
        Fault fault = pickFault(random);
        if (fault != Fault.NONE) injected.merge(fault.name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
        return fault;
    }

    /** Faults injected since start, by kind. */
    public java.util.Map<String, Long> injectedFaults() {
        return new java.util.TreeMap<>(injected);
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Long> injected = new java.util.concurrent.ConcurrentHashMap<>();

    private Fault pickFault(SplittableRandom random) {
        FaultRates f = config.faults();
        if (!f.any()) return Fault.NONE;
        double r = random.nextDouble();
        if ((r -= f.refuse()) < 0) return Fault.REFUSE;
        if ((r -= f.drop()) < 0) return Fault.DROP;
        if ((r -= f.silent()) < 0) return Fault.SILENT;
        if ((r -= f.corrupt()) < 0) return Fault.CORRUPT;
        if ((r -= f.rejectAssociation()) < 0) return Fault.REJECT_ASSOCIATION;
        return Fault.NONE;
    }

    SimulatedMeter newMeter(int i, boolean rejectAssociation) {
        byte[][] keys = currentKeys(i);
        return new SimulatedMeter(identity(i), state(i), config, model, keys[0], keys[1], rejectAssociation);
    }

    /**
     * The keys meter {@code i} uses now, {encryption key, authentication key}: the factory keys (for a
     * wrong-keys meter, other ones than it exports) until a key transfer changed them.
     */
    public byte[][] currentKeys(int i) {
        boolean wrong = config.hasWrongKeys(i);
        return state(i).keys(identities.realKey("ek", i, wrong), identities.realKey("ak", i, wrong));
    }

    /** How many key transfers meter {@code i} applied. */
    public int keyChanges(int i) {
        return state(i).keyChanges();
    }

    /** Meter {@code i}'s master key (KEK), which unwraps the keys of a key transfer; as exported in the {@code kek} column. */
    public byte[] masterKey(int i) {
        return identity(i).masterKey().clone();
    }

    /**
     * Once: at its next successful key transfer, meter {@code i} applies the new keys and closes the TCP
     * connection instead of answering, so the head-end cannot know whether they took.
     */
    public void dropLinkAfterKeyTransfer(int i) {
        state(i).dropLinkAfterKeyTransfer();
    }

    /** How {@code meter} answers frames on the wire, with the fleet's variants. */
    MeterExchange exchange(SimulatedMeter meter) {
        return new MeterExchange(meter, config.variants(), config.transport());
    }

    /**
     * A meter without a socket, for codec benchmarks and unit tests: each call of the returned
     * function answers one request frame as the meter would on a connection.
     */
    public InMemoryMeter openInMemory(int i) {
        return new InMemoryMeter(exchange(newMeter(i, false)));
    }

    /**
     * Meter {@code i} pushes its alarm to the destination a head-end wrote into its push setup, as a
     * meter does: nowhere when none was written.
     *
     * @throws IOException when the push setup has no destination, or the push cannot be sent
     */
    public void pushAlarm(int i, long alarmBits) throws IOException {
        state(i).raiseAlarm(alarmBits);
        MeterState.PushSettings push = state(i).pushSettings();
        if (push == null || push.destination().isEmpty()) throw new IOException("meter " + i + " has no push destination set");
        String d = push.destination();
        int colon = d.lastIndexOf(':');
        if (colon <= 0) throw new IOException("meter " + i + "'s push destination is not host:port: " + d);
        String host = d.substring(0, colon).replace("[", "").replace("]", "");
        pushAlarm(i, new InetSocketAddress(host, Integer.parseInt(d.substring(colon + 1))), alarmBits);
    }

    /**
     * Meter {@code i} opens a connection to {@code target} and pushes a ciphered DataNotification with
     * its alarm register ({@code alarmBits}) and clock, as an IDIS push setup would.
     */
    public void pushAlarm(int i, InetSocketAddress target, long alarmBits) throws IOException {
        byte[][] keys = currentKeys(i);
        MeterIdentity id = identity(i);
        MeterState st = state(i);
        st.raiseAlarm(alarmBits);
        try {
            gurux.dlms.secure.GXDLMSSecureNotify notify = new gurux.dlms.secure.GXDLMSSecureNotify(true, 1, 1,
                    gurux.dlms.enums.InterfaceType.WRAPPER);
            notify.getCiphering().setSecurity(gurux.dlms.enums.Security.AUTHENTICATION_ENCRYPTION);
            notify.getCiphering().setSystemTitle(id.systemTitle());
            notify.getCiphering().setBlockCipherKey(keys[0]);
            notify.getCiphering().setAuthenticationKey(keys[1]);
            notify.getCiphering().setInvocationCounter(st.nextInvocationCounter());
            st.acceptedInvocationCounter(st.nextInvocationCounter());
            gurux.dlms.objects.GXDLMSData alarm = new gurux.dlms.objects.GXDLMSData("0.0.97.98.0.255");
            alarm.setDataType(2, gurux.dlms.enums.DataType.UINT32);
            alarm.setValue(alarmBits);
            gurux.dlms.objects.GXDLMSClock clock = new gurux.dlms.objects.GXDLMSClock("0.0.1.0.0.255");
            clock.setTime(new gurux.dlms.GXDateTime(java.util.Date.from(config.clock().instant())));
            java.util.List<java.util.Map.Entry<gurux.dlms.objects.GXDLMSObject, Integer>> objects = java.util.List.of(
                    java.util.Map.entry(clock, 2), java.util.Map.entry(alarm, 2));
            byte[][] frames = notify.generateDataNotificationMessages(java.util.Date.from(config.clock().instant()), objects);
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(target, 5000);
                for (byte[] f : frames) socket.getOutputStream().write(f);
                socket.getOutputStream().flush();
            }
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot build the push of meter " + i + ": " + e.getMessage(), e);
        }
    }

    /** Meter {@code i} raises {@code alarmBits}: ORed into its alarm register 0-0:97.98.0.255, nothing pushed. */
    public void raiseAlarm(int i, long alarmBits) {
        state(i).raiseAlarm(alarmBits);
    }

    /** The bits in meter {@code i}'s alarm register. */
    public long alarmRegister(int i) {
        return state(i).alarmRegister();
    }

    /** Meter {@code i}'s disconnector control log, oldest first: each {epoch second, event code}. */
    public List<long[]> disconnectorLog(int i) {
        return state(i).controlLog();
    }

    /**
     * The registry file the head-end imports: one line per meter, keys in hex, the factory ones (a key
     * file as a manufacturer delivers it); the last column, {@code kek}, is the meter's master key.
     */
    public void exportCsv(Writer out) {
        HexFormat hex = HexFormat.of().withUpperCase();
        try {
            out.write("meter_id,serial,host,port,transport,client_sap,server_sap,auth,system_title,ek,ak,password,profile,labels,kek\n");
            for (int i = 0; i < config.meters(); i++) {
                MeterIdentity id = identity(i);
                out.write(id.ean() + ',' + id.serial() + ',' + id.host() + ',' + id.port() + ','
                        + (config.transport() == SimTransport.HDLC ? "hdlc" : "wrapper") + ','
                        + SimulatedMeter.MANAGEMENT_SAP + ",1,hls-gmac," + id.systemTitleHex() + ','
                        + hex.formatHex(id.encryptionKey()) + ',' + hex.formatHex(id.authenticationKey()) + ','
                        + id.password() + ",emucs," + "cell=C" + String.format("%04d", i / 100) + ','
                        + hex.formatHex(id.masterKey()) + '\n');
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fleet registry", e);
        }
    }

    @Override
    public void close() {
        for (Channel ch : listeners) ch.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** A socket-less meter: feed it request frames, get its reply frames. */
    public static final class InMemoryMeter {
        private final MeterExchange exchange;

        InMemoryMeter(MeterExchange exchange) {
            this.exchange = exchange;
        }

        /**
         * Answers one complete request frame; an empty array when the meter sends nothing back (or, with
         * hangup-on-auth-failure, would close the connection).
         */
        public byte[] handle(byte[] frame) {
            try {
                byte[] reply = exchange.answer(frame).frame();
                return reply == null ? new byte[0] : reply;
            } catch (Exception e) {
                throw new IllegalStateException("simulated meter failed on a request: " + e.getMessage(), e);
            }
        }
    }
}
