package org.openhes.headend.api.callbacks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.jobs.ClaimedJob;
import org.openhes.headend.scheduler.jobs.JobListener;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.jobs.JobResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs a command's final state to its callback URL, signed with {@link CallbackSigner}, retried with
 * exponential backoff (1 s, 2 s, 4 s, ... up to {@value #ATTEMPTS} attempts) until a 2xx answer.
 */
public final class CallbackSender implements JobListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallbackSender.class);
    static final int ATTEMPTS = 6;

    private final CommandStore commands;
    private final CallbackSigner signer;
    private final Function<CommandStore.Command, Map<String, Object>> view;
    private final InstantSource clock;
    private final Executor db;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "callbacks");
        t.setDaemon(true);
        return t;
    });
    private final ObjectMapper json = new ObjectMapper();

    public CallbackSender(CommandStore commands, CallbackSigner signer, Function<CommandStore.Command, Map<String, Object>> view,
                          InstantSource clock, Executor db) {
        this.commands = commands;
        this.signer = signer;
        this.view = view;
        this.clock = clock;
        this.db = db;
    }

    @Override
    public void finished(ClaimedJob job, JobResult result, JobQueue.Finish finish) {
        if (job.commandId() == null || finish == JobQueue.Finish.RETRY || finish == JobQueue.Finish.LEASE_LOST) return;
        db.execute(() -> commands.find(job.commandId()).ifPresent(c -> {
            if (c.callbackUrl() == null) return;
            try {
                send(c.callbackUrl(), json.writeValueAsBytes(view.apply(c)), c.id().toString(), 1);
            } catch (Exception e) {
                log.warn("callback of command {} not sent: {}", c.id(), e.toString());
            }
        }));
    }

    private void send(String url, byte[] body, String commandId, int attempt) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header(CallbackSigner.HEADER, signer.sign(clock.instant().getEpochSecond(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, error) -> {
            if (error == null && resp.statusCode() / 100 == 2) return;
            String why = error != null ? error.toString() : "HTTP " + resp.statusCode();
            if (attempt >= ATTEMPTS) {
                log.warn("callback of command {} to {} given up after {} attempts: {}", commandId, url, attempt, why);
                return;
            }
            timer.schedule(() -> send(url, body, commandId, attempt + 1), 1L << (attempt - 1), TimeUnit.SECONDS);
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** Demo helper: a signer with a text secret. */
    public static CallbackSigner signer(String secret) {
        return new CallbackSigner(secret.getBytes(StandardCharsets.UTF_8));
    }
}
