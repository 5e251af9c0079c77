package org.openhes.headend.api.callbacks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.openhes.headend.api.metrics.HeadendMetrics;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.delivery.CallbackOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers due command callbacks from the outbox: the command as the API shows it, POSTed to its callback URL. */
final class CommandCallbacks {
    private static final Logger log = LoggerFactory.getLogger(CommandCallbacks.class);
    static final int CLAIM = 200;

    private final CallbackOutbox outbox;
    private final CommandStore commands;
    private final Function<CommandStore.Command, Map<String, Object>> view;
    private final SignedPost post;
    private final HeadendMetrics metrics;
    private final Duration claim;
    private final ObjectMapper json = new ObjectMapper();

    CommandCallbacks(CallbackOutbox outbox, CommandStore commands, Function<CommandStore.Command, Map<String, Object>> view,
                     SignedPost post, HeadendMetrics metrics, Duration claim) {
        this.outbox = outbox;
        this.commands = commands;
        this.view = view;
        this.post = post;
        this.metrics = metrics;
        this.claim = claim;
    }

    /** One round: claims what is due, posts it all at once, records each outcome; returns how many were claimed. */
    int deliverDue() {
        List<CallbackOutbox.Due> due = outbox.claimDue(CLAIM, claim);
        if (due.isEmpty()) return 0;
        Map<UUID, CommandStore.Command> found = commands.findAll(due.stream().map(CallbackOutbox.Due::commandId).toList());
        List<CompletableFuture<Void>> attempts = new ArrayList<>();
        for (CallbackOutbox.Due d : due) {
            CommandStore.Command c = found.get(d.commandId());
            byte[] body;
            try {
                body = json.writeValueAsBytes(view.apply(c));
            } catch (Exception e) {
                outbox.failed(d, "could not write the body: " + e.getMessage(), true);
                continue;
            }
            attempts.add(post.post(d.url(), body).thenAccept(r -> record(d, r)));
        }
        CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new)).join();
        return due.size();
    }

    private void record(CallbackOutbox.Due d, SignedPost.Result r) {
        try {
            switch (r.outcome()) {
                case DELIVERED -> {
                    outbox.delivered(d);
                    metrics.callbackAttempt("delivered");
                }
                case RETRY, REFUSED -> {
                    boolean dead = outbox.failed(d, r.why(), r.outcome() == SignedPost.Outcome.REFUSED);
                    metrics.callbackAttempt(dead ? "dead" : "retry");
                    if (dead) log.warn("callback of command {} is dead after {} attempts: {}", d.commandId(), d.attempt(), r.why());
                }
            }
        } catch (RuntimeException e) {
            // the outcome is lost with the database: the claim runs out and the callback is tried again
            log.warn("outcome of the callback of command {} not recorded: {}", d.commandId(), e.getMessage());
        }
    }
}
