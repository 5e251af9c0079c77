package org.openhes.headend.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openhes.headend.protocol.MeterEndpoint;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.model.MeterSecurity;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.protocol.session.CodecLoop;

/**
 * {@code plain-client}: what a user could write instead of the head-end, as the yardstick of
 * {@code latency}: a blocking Gurux client on a plain socket, one virtual thread per session,
 * {@code --concurrency} sessions at once, the daily read's five requests per session against the same
 * simulated fleet in its own process (same {@code --latency}/{@code --jitter}), storing nothing, with
 * no queue, no retry, no pool and no database. Compared with Little's bound of its own sessions.
 */
final class PlainClient implements Scenario {
    private static final byte[] CLIENT_TITLE = HexFormat.of().parseHex("4F48450000000001");

    private record Meter(String host, int port, int clientSap, byte[] ek, byte[] ak) {
    }

    @Override
    public void run(BenchParameters p, Map<String, Object> out) throws Exception {
        Path data = TempDirs.create();
        Process sim = Rig.startSimulatorProcess(p, p.meters(), 0, data);
        try {
            List<Meter> fleet = registry(data.resolve("fleet.csv"));
            LocalDate day = LocalDate.now(Rig.ZONE);
            int concurrency = p.concurrency();
            Semaphore slots = new Semaphore(concurrency);
            AtomicInteger open = new AtomicInteger();
            AtomicLong done = new AtomicLong(), failed = new AtomicLong(), sessionNanos = new AtomicLong();
            var mem = ManagementFactory.getMemoryMXBean();
            System.gc();
            long heapBase = mem.getHeapMemoryUsage().getUsed();
            long heapPerSession = 0;
            long cpu0 = ProcessCpu.thisJvm(), simCpu0 = ProcessCpu.of(sim.toHandle());
            long t0 = System.nanoTime();
            long fullSince = 0, fullDoneAtStart = 0, fullUntil = 0, fullDoneAtEnd = 0;
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                Thread feeder = Thread.ofPlatform().start(() -> {
                    for (Meter m : fleet) {
                        slots.acquireUninterruptibly();
                        threads.submit(() -> {
                            open.incrementAndGet();
                            long s0 = System.nanoTime();
                            try {
                                session(m, day);
                                sessionNanos.addAndGet(System.nanoTime() - s0);
                                done.incrementAndGet();
                            } catch (Exception e) {
                                failed.incrementAndGet();
                            } finally {
                                open.decrementAndGet();
                                slots.release();
                            }
                        });
                    }
                });
                while (feeder.isAlive() || open.get() > 0) {
                    Thread.sleep(1000);
                    int now = open.get();
                    if (heapPerSession == 0 && now >= concurrency * 0.9) {
                        System.gc();
                        heapPerSession = (mem.getHeapMemoryUsage().getUsed() - heapBase) / Math.max(1, open.get());
                    }
                    if (now >= concurrency * 0.95) {
                        if (fullSince == 0) {
                            fullSince = System.nanoTime();
                            fullDoneAtStart = done.get() + failed.get();
                        }
                        fullUntil = System.nanoTime();
                        fullDoneAtEnd = done.get() + failed.get();
                    }
                    System.err.printf("plain-client: %d done, %d failed, %d open (%.0f s)%n", done.get(), failed.get(), now,
                            (System.nanoTime() - t0) / 1e9);
                }
                feeder.join();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double meanMs = done.get() == 0 ? 0 : sessionNanos.get() / 1e6 / done.get();
            double bound = meanMs == 0 ? 0 : concurrency / (meanMs / 1000.0);
            double steady = fullUntil > fullSince ? (fullDoneAtEnd - fullDoneAtStart) / ((fullUntil - fullSince) / 1e9) : done.get() / secs;
            out.put("sessionsPerSecond", Stats.round(steady));
            out.put("ratio", bound == 0 ? 0.0 : Stats.round3(steady / bound));
            out.put("overallSessionsPerSecond", Stats.round(done.get() / secs));
            out.put("steadySeconds", Stats.round((fullUntil - fullSince) / 1e9));
            out.put("littleBound", Stats.round(bound));
            out.put("meanSessionMs", Stats.round(meanMs));
            out.put("cpuMicrosPerSession", Stats.round((ProcessCpu.thisJvm() - cpu0) / 1e3 / Math.max(1, done.get())));
            out.put("simulatorCpuMicrosPerSession", Stats.round((ProcessCpu.of(sim.toHandle()) - simCpu0) / 1e3 / Math.max(1, done.get())));
            out.put("heapPerSessionBytes", heapPerSession);
            out.put("sessions", done.get());
            out.put("lost", failed.get()); // a plain client has no retry: a failed session is a read not taken
            out.put("meters", p.meters());
            out.put("concurrency", concurrency);
            out.put("latency", BenchParameters.text(p.latency()));
            out.put("jitter", BenchParameters.text(p.jitter()));
        } finally {
            sim.destroyForcibly();
            sim.waitFor();
            TempDirs.delete(data);
        }
    }

    private static void session(Meter m, LocalDate day) throws Exception {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) BenchParameters.RESPONSE_TIMEOUT.toMillis());
            socket.connect(new InetSocketAddress(m.host(), m.port()), 10_000);
            OutputStream os = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            MeterTarget target = new MeterTarget("plain", MeterEndpoint.wrapper(m.host(), m.port(), m.clientSap(), 1),
                    MeterSecurity.hlsGmac(CLIENT_TITLE, m.ek(), m.ak()), MeterProfile.emucs());
            CodecLoop.dailyReadSession(target, frame -> exchange(os, in, frame), 1, day, Rig.ZONE);
        }
    }

    /** Sends one wrapper frame and reads the reply: 8 bytes of header, its length in the last two. */
    private static byte[] exchange(OutputStream os, DataInputStream in, byte[] frame) {
        try {
            os.write(frame);
            os.flush();
            byte[] header = new byte[8];
            in.readFully(header);
            int length = ((header[6] & 0xFF) << 8) | (header[7] & 0xFF);
            byte[] reply = new byte[8 + length];
            System.arraycopy(header, 0, reply, 0, 8);
            in.readFully(reply, 8, length);
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Meter> registry(Path csv) throws IOException {
        HexFormat hex = HexFormat.of();
        List<Meter> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            out.add(new Meter(f[2], Integer.parseInt(f[3]), Integer.parseInt(f[5]), hex.parseHex(f[9]), hex.parseHex(f[10])));
        }
        return out;
    }
}
