package org.openhes.headend.scheduler.delivery;

import java.time.Duration;

/**
 * How delivery retries and gives up: backoff {@code backoffBase × 2^(n-1)} capped at {@code backoffMax};
 * a command callback is dead after {@code callbackMaxAttempts}; a subscription is dead when refused for
 * good (4xx other than 408 and 429) or failing for longer than {@code subscriptionDeadAfter}; feed
 * entries are kept {@code feedRetention} (longer than a subscription may fail, so a subscription
 * revived within the retention misses nothing).
 */
public record DeliverySettings(Duration poll, Duration backoffBase, Duration backoffMax, int callbackMaxAttempts,
                               Duration subscriptionDeadAfter, Duration feedRetention, int maxBatch) {
    public static final DeliverySettings DEFAULTS = new DeliverySettings(Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMinutes(5), 20, Duration.ofDays(3), Duration.ofDays(7), 1000);

    public DeliverySettings {
        if (poll.isNegative() || poll.isZero()) throw new IllegalArgumentException("delivery poll must be positive");
        if (backoffBase.isNegative() || backoffBase.isZero()) throw new IllegalArgumentException("delivery backoff base must be positive");
        if (backoffMax.compareTo(backoffBase) < 0) throw new IllegalArgumentException("delivery backoff max must be at least its base");
        if (callbackMaxAttempts < 1) throw new IllegalArgumentException("callback max attempts must be at least 1");
        if (feedRetention.compareTo(subscriptionDeadAfter) <= 0) {
            throw new IllegalArgumentException("feed retention (" + feedRetention + ") must be longer than subscription dead-after ("
                    + subscriptionDeadAfter + "): a subscription revived before it is dead must find its entries");
        }
        if (maxBatch < 1) throw new IllegalArgumentException("delivery max batch must be at least 1");
    }

    /** The wait after the {@code n}th failed attempt (n ≥ 1). */
    public Duration backoff(int n) {
        int shift = Math.min(Math.max(n - 1, 0), 30);
        Duration d = backoffBase.multipliedBy(1L << shift);
        return d.compareTo(backoffMax) > 0 ? backoffMax : d;
    }
}
