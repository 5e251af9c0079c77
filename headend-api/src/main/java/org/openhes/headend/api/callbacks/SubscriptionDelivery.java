package org.openhes.headend.api.callbacks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.openhes.headend.api.metrics.HeadendMetrics;
import org.openhes.headend.scheduler.delivery.FeedEntry;
import org.openhes.headend.scheduler.delivery.FeedPosition;
import org.openhes.headend.scheduler.delivery.FeedStore;
import org.openhes.headend.scheduler.delivery.Subscription;
import org.openhes.headend.scheduler.delivery.SubscriptionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the feed to subscriptions, one batch per subscription at a time: the entries after its
 * cursor, POSTed as {@code {subscription, items, next}}; the cursor moves to {@code next} only when the
 * receiver answered 2xx. A receiver that was down gets the entries it missed from its cursor, batch
 * after batch, read from the database: nothing is held in memory.
 */
final class SubscriptionDelivery {
    private static final Logger log = LoggerFactory.getLogger(SubscriptionDelivery.class);
    static final int CLAIM = 50;

    private final SubscriptionStore subscriptions;
    private final FeedStore feed;
    private final Function<List<FeedEntry>, List<Map<String, Object>>> render;
    private final SignedPost post;
    private final HeadendMetrics metrics;
    private final String owner;
    private final Duration lease;
    private final Duration idle;
    private final InstantSource clock;
    private final ObjectMapper json = new ObjectMapper();

    SubscriptionDelivery(SubscriptionStore subscriptions, FeedStore feed, Function<List<FeedEntry>, List<Map<String, Object>>> render,
                         SignedPost post, HeadendMetrics metrics, String owner, Duration lease, Duration idle, InstantSource clock) {
        this.subscriptions = subscriptions;
        this.feed = feed;
        this.render = render;
        this.post = post;
        this.metrics = metrics;
        this.owner = owner;
        this.lease = lease;
        this.idle = idle;
        this.clock = clock;
    }

    /** One round; returns how many items were sent (0 when every subscription was up to date). */
    int deliverDue() {
        List<Subscription> due = subscriptions.claimDue(owner, lease, CLAIM);
        List<CompletableFuture<Integer>> batches = new ArrayList<>();
        for (Subscription s : due) batches.add(deliver(s));
        return batches.stream().mapToInt(CompletableFuture::join).sum();
    }

    private CompletableFuture<Integer> deliver(Subscription s) {
        List<FeedEntry> page;
        byte[] body;
        try {
            page = feed.page(s.cursor(), s.kinds(), s.batchSize());
            if (page.isEmpty()) {
                subscriptions.release(s, owner, idle);
                return CompletableFuture.completedFuture(0);
            }
            Map<String, Object> batch = new LinkedHashMap<>();
            batch.put("subscription", s.id().toString());
            batch.put("items", render.apply(page));
            batch.put("next", page.get(page.size() - 1).position().toString());
            body = json.writeValueAsBytes(batch);
        } catch (Exception e) {
            log.warn("batch of subscription {} not prepared: {}", s.id(), e.getMessage());
            return CompletableFuture.completedFuture(0); // the lease runs out; tried again
        }
        FeedPosition next = page.get(page.size() - 1).position();
        return post.post(s.url(), body).thenApply(r -> record(s, next, page.size(), r));
    }

    private int record(Subscription s, FeedPosition next, int items, SignedPost.Result r) {
        try {
            if (r.outcome() == SignedPost.Outcome.DELIVERED) {
                if (subscriptions.advance(s, owner, next, items)) {
                    metrics.subscriptionBatch("delivered", items);
                } else {
                    subscriptions.release(s, owner, Duration.ZERO); // the cursor was moved meanwhile: deliver from there
                }
                return items;
            }
            boolean dead = subscriptions.failed(s, owner, r.why(), r.outcome() == SignedPost.Outcome.REFUSED);
            metrics.subscriptionBatch(dead ? "dead" : "retry", 0);
            if (dead) log.warn("subscription {} is dead: {} (resume it once the receiver is fixed)", s.id(), r.why());
        } catch (RuntimeException e) {
            log.warn("outcome of a batch of subscription {} not recorded: {}", s.id(), e.getMessage());
        }
        return 0;
    }

    /** What operations watch: subscriptions by state, and how far the most lagging active one is behind. */
    record Health(long active, long dead, double maxLagSeconds) {
    }

    /** The lag is the age of an active subscription's oldest undelivered entry (one indexed look-up each). */
    Health health() {
        Instant now = clock.instant();
        long active = 0, dead = 0;
        double worst = 0;
        for (Subscription s : subscriptions.list()) {
            if (s.state() == Subscription.State.DEAD) {
                dead++;
                continue;
            }
            active++;
            var oldest = feed.oldestPending(s.cursor(), s.kinds());
            if (oldest.isPresent()) worst = Math.max(worst, Math.max(0, Duration.between(oldest.get(), now).toMillis() / 1000.0));
        }
        return new Health(active, dead, worst);
    }
}
