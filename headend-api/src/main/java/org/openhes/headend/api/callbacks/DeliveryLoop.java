package org.openhes.headend.api.callbacks;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.openhes.headend.api.metrics.HeadendMetrics;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.delivery.CallbackOutbox;
import org.openhes.headend.scheduler.delivery.DeliverySettings;
import org.openhes.headend.scheduler.delivery.FeedEntry;
import org.openhes.headend.scheduler.delivery.FeedStore;
import org.openhes.headend.scheduler.delivery.SubscriptionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's delivery thread: command callbacks, then subscription batches, round after round while
 * there is work, else every {@code delivery.poll} or when woken (a command ended on this node). Once a
 * minute it sweeps what retention allows. The node's metrics ticker calls {@link #refreshGauges}.
 */
public final class DeliveryLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryLoop.class);
    /** How long a node holds what it is delivering; a node that dies lets it go after this. */
    static final Duration CLAIM = Duration.ofSeconds(60);
    static final Duration POST_TIMEOUT = Duration.ofSeconds(10);

    private final CommandCallbacks callbacks;
    private final SubscriptionDelivery subscriptions;
    private final CallbackOutbox outbox;
    private final FeedStore feed;
    private final HeadendMetrics metrics;
    private final DeliverySettings settings;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean wake;
    private Instant nextHousekeeping = Instant.MIN;

    public DeliveryLoop(CallbackOutbox outbox, SubscriptionStore subscriptionStore, FeedStore feed, CommandStore commands,
                        Function<CommandStore.Command, Map<String, Object>> commandView,
                        Function<List<FeedEntry>, List<Map<String, Object>>> render, CallbackSigner signer,
                        HeadendMetrics metrics, DeliverySettings settings, String nodeId, InstantSource clock) {
        SignedPost post = new SignedPost(signer, clock, POST_TIMEOUT);
        this.callbacks = new CommandCallbacks(outbox, commands, commandView, post, metrics, CLAIM);
        this.subscriptions = new SubscriptionDelivery(subscriptionStore, feed, render, post, metrics, nodeId, CLAIM, settings.poll(), clock);
        this.outbox = outbox;
        this.feed = feed;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        this.thread = new Thread(this::run, "delivery");
        this.thread.setDaemon(true);
    }

    public DeliveryLoop start() {
        thread.start();
        return this;
    }

    /** Something may be due now (a command ended): look without waiting for the poll. */
    public void wake() {
        lock.lock();
        try {
            wake = true;
            woken.signal();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (running) {
            int work = 0;
            try {
                work = callbacks.deliverDue() + subscriptions.deliverDue();
                if (!clock.instant().isBefore(nextHousekeeping)) housekeeping();
            } catch (RuntimeException e) {
                log.warn("delivery round failed (is the database away?): {}", e.toString(), e);
            }
            if (work == 0) pause();
        }
    }

    private void pause() {
        lock.lock();
        try {
            if (!wake) woken.await(settings.poll().toMillis(), TimeUnit.MILLISECONDS);
            wake = false;
        } catch (InterruptedException e) {
            running = false;
        } finally {
            lock.unlock();
        }
    }

    private void housekeeping() {
        Instant now = clock.instant();
        nextHousekeeping = now.plusSeconds(60);
        int swept = feed.sweep(now.minus(settings.feedRetention()), 50_000);
        outbox.sweep(now.minus(settings.feedRetention()), 50_000);
        if (swept > 0) log.info("feed: {} entries older than {} removed", swept, settings.feedRetention());
    }

    /** The delivery gauges (callbacks pending and dead, subscriptions by state, the worst lag). */
    public void refreshGauges() {
        CallbackOutbox.Counts c = outbox.counts();
        SubscriptionDelivery.Health h = subscriptions.health();
        metrics.delivery(c.pending(), c.dead(), h.active(), h.dead(), h.maxLagSeconds());
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(Duration.ofSeconds(15).toMillis());
    }
}
