package org.openhes.headend.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openhes.headend.api.node.HeadendNode;

/**
 * {@code overload}: more commands and on-demand reads than the pool can work, from {@code --clients}
 * HTTP clients at once, for {@code --duration}: what the API accepts, what it refuses with 429, how far
 * the queue goes past its bound ({@code --max-queued}), the heap (sampled, and live after collections)
 * against its limit, and whether every accepted request finishes.
 */
final class Overload implements Scenario {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "bench-overload-admin-token-0123456789";

    /** What the clients saw. */
    private static final class Tally {
        final AtomicLong accepted = new AtomicLong(), refused = new AtomicLong(), other = new AtomicLong();
        final List<UUID> commandIds = Collections.synchronizedList(new ArrayList<>());
        final List<Long> readJobs = Collections.synchronizedList(new ArrayList<>());
        final List<Double> answerMs = Collections.synchronizedList(new ArrayList<>());
        final Map<Integer, AtomicLong> statuses = new ConcurrentSkipListMap<>();
    }

    @Override
    public void run(BenchParameters p, Map<String, Object> out) throws Exception {
        try (Rig rig = Rig.start(p, Rig.Setup.of(p).withSettings(Map.of("api.max.queued", String.valueOf(p.maxQueued()),
                "admin.token", TOKEN, "push.port", "-1")))) {
            HeadendNode node = rig.node();
            var mem = ManagementFactory.getMemoryMXBean();
            System.gc();
            long heapAtStart = mem.getHeapMemoryUsage().getUsed();
            String base = "http://127.0.0.1:" + node.httpPort() + "/api/v1/meters/";
            HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())
                    .connectTimeout(Duration.ofSeconds(10)).build();
            Tally tally = new Tally();
            long until = System.nanoTime() + p.duration().toNanos();
            ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
            for (int c = 0; c < p.clients(); c++) {
                int client = c;
                senders.submit(() -> {
                    send(rig, p, http, base, client, until, tally);
                    return null;
                });
            }
            long heapMax = 0, queuedMax = 0;
            long t0 = System.nanoTime();
            while (System.nanoTime() < until) {
                Thread.sleep(1000);
                long used = mem.getHeapMemoryUsage().getUsed();
                long queued = node.services().jobs().countQueuedUrgent();
                heapMax = Math.max(heapMax, used);
                queuedMax = Math.max(queuedMax, queued);
                System.err.printf("overload: %d accepted, %d refused (429), %d other, %d queued, heap %d MB of %d MB, %d open (%.0f s)%n",
                        tally.accepted.get(), tally.refused.get(), tally.other.get(), queued, used >> 20,
                        Runtime.getRuntime().maxMemory() >> 20, node.client().pool().active(), (System.nanoTime() - t0) / 1e9);
            }
            senders.shutdown();
            senders.awaitTermination(1, TimeUnit.MINUTES);
            double sendSecs = (System.nanoTime() - t0) / 1e9;
            long liveAfterGc = 0;
            for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) liveAfterGc += pool.getCollectionUsage().getUsed();
            }
            System.err.println("sending stopped; waiting for every accepted command and read to finish");
            CommandOutcomes commands = CommandOutcomes.await(node, tally.commandIds, Duration.ofMinutes(10));
            long readsUnfinished = awaitJobs(node, tally.readJobs, Duration.ofMinutes(10));
            double secs = (System.nanoTime() - t0) / 1e9;
            long finished = commands.succeededMs().size() + commands.failed() + tally.readJobs.size() - readsUnfinished;
            out.put("sessionsPerSecond", Stats.round(finished / secs));
            out.put("ratio", Stats.round3((double) finished / Math.max(1, tally.accepted.get()))); // finished ÷ accepted
            out.put("finished", finished);
            out.put("commandsFailed", commands.failed());
            out.put("p50Ms", Stats.round(Stats.percentile(tally.answerMs, 0.5)));
            out.put("p99Ms", Stats.round(Stats.percentile(tally.answerMs, 0.99)));
            out.put("requests", tally.answerMs.size());
            out.put("requestsPerSecond", Stats.round(tally.answerMs.size() / sendSecs));
            out.put("accepted", tally.accepted.get());
            out.put("refused429", tally.refused.get());
            out.put("otherAnswers", tally.other.get());
            out.put("statuses", tally.statuses);
            out.put("maxQueuedSetting", p.maxQueued());
            out.put("queuedMax", queuedMax);
            out.put("heapLimitBytes", Runtime.getRuntime().maxMemory());
            out.put("heapMaxUsedBytes", heapMax);
            out.put("heapLiveAfterGcBytes", liveAfterGc);
            out.put("heapAtStartBytes", heapAtStart);
            out.put("threads", ManagementFactory.getThreadMXBean().getPeakThreadCount());
            out.put("lost", commands.lost());
            out.put("unfinished", commands.unfinished() + readsUnfinished);
            out.put("clients", p.clients());
            out.put("concurrency", p.concurrency());
            out.put("latency", BenchParameters.text(p.latency()));
        }
    }

    /** One client: a power limit, a balance display or an on-demand read, in turn, until the window closes. */
    private static void send(Rig rig, BenchParameters p, HttpClient http, String base, int client, long until, Tally tally)
            throws InterruptedException {
        Random random = new Random(client);
        for (int k = 0; System.nanoTime() < until; k++) {
            String ean = rig.ean(random.nextInt(p.meters()));
            String path, body;
            switch ((client + k) % 3) {
                case 0 -> { path = ean + "/commands"; body = "{\"type\":\"SET_POWER_LIMIT\",\"watts\":2300}"; }
                case 1 -> { path = ean + "/commands"; body = "{\"type\":\"DISPLAY_BALANCE\",\"amount\":\"12.50\"}"; }
                default -> { path = ean + "/reads?wait=5s"; body = ""; }
            }
            var req = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            long t0 = System.nanoTime();
            try {
                var resp = http.send(req, HttpResponse.BodyHandlers.ofString());
                tally.answerMs.add((System.nanoTime() - t0) / 1e6);
                tally.statuses.computeIfAbsent(resp.statusCode(), x -> new AtomicLong()).incrementAndGet();
                if (resp.statusCode() == 429) {
                    tally.refused.incrementAndGet();
                    Thread.sleep(50 + random.nextInt(100)); // a well-behaved client backs off
                } else if (resp.statusCode() == 200 || resp.statusCode() == 201 || resp.statusCode() == 202) {
                    tally.accepted.incrementAndGet();
                    var j = JSON.readTree(resp.body());
                    if (j.has("id")) tally.commandIds.add(UUID.fromString(j.get("id").asText()));
                    else if (j.has("jobId")) tally.readJobs.add(j.get("jobId").asLong());
                    else tally.readJobs.add(-1L); // answered inline with the reading: done
                } else {
                    tally.other.incrementAndGet();
                }
            } catch (java.io.IOException e) {
                tally.other.incrementAndGet();
            }
        }
    }

    /** Waits for the on-demand read jobs (-1: answered inline); returns how many did not end. */
    private static long awaitJobs(HeadendNode node, List<Long> ids, Duration max) throws InterruptedException {
        long until = System.nanoTime() + max.toNanos();
        List<Long> pending = new ArrayList<>();
        for (long id : ids) if (id >= 0) pending.add(id);
        while (!pending.isEmpty() && System.nanoTime() < until) {
            var views = node.services().jobs().findAll(pending);
            List<Long> still = new ArrayList<>();
            for (long id : pending) {
                String state = views.get(id).state();
                if (state.equals("QUEUED") || state.equals("RUNNING")) still.add(id);
            }
            pending = still;
            System.err.printf("reads: %d still to finish%n", pending.size());
            if (!pending.isEmpty()) Thread.sleep(500);
        }
        return pending.size();
    }
}
