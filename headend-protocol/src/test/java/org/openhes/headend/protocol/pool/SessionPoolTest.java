package org.openhes.headend.protocol.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;

class SessionPoolTest {
    @Test
    void oneSessionPerMeterAndTheGlobalCapHold() {
        try (SessionPool pool = new SessionPool(new PoolSettings(2, 10, 0, 100))) {
            var a1 = pool.acquire("a", "h1");
            var a2 = pool.acquire("a", "h1");
            var b = pool.acquire("b", "h2");
            var c = pool.acquire("c", "h3");
            assertThat(a1).isDone();
            assertThat(a2).as("same meter waits").isNotDone();
            assertThat(b).isDone();
            assertThat(c).as("global cap of 2").isNotDone();
            a1.join().release();
            assertThat(a2).as("first in line for a free slot").isDone();
            assertThat(c).isNotDone();
            b.join().release();
            assertThat(c).isDone();
            assertThat(pool.active()).isEqualTo(2);
        }
    }

    @Test
    void urgentRequestsGoAheadOfWaitingBulkReads() {
        try (SessionPool pool = new SessionPool(new PoolSettings(1, 10, 0, 100))) {
            var running = pool.acquire("r0", "h0");
            var bulk = pool.acquire("r1", "h1");
            var command = pool.acquire("c1", "h2", true);
            running.join().release();
            assertThat(command).isDone();
            assertThat(bulk).isNotDone();
            command.join().release();
            assertThat(bulk).isDone();
        }
    }

    @Test
    void theCapPerGroupHolds() {
        try (SessionPool pool = new SessionPool(new PoolSettings(10, 10, 0, 100, 2))) {
            var a = pool.acquire("m1", "h1", "cell-1", false);
            var b = pool.acquire("m2", "h2", "cell-1", false);
            var c = pool.acquire("m3", "h3", "cell-1", false);
            var d = pool.acquire("m4", "h4", "cell-2", false);
            assertThat(a).isDone();
            assertThat(b).isDone();
            assertThat(c).as("third session in cell-1").isNotDone();
            assertThat(d).isDone();
            a.join().release();
            assertThat(c).isDone();
        }
    }

    @Test
    void thePerHostCapHolds() {
        try (SessionPool pool = new SessionPool(new PoolSettings(10, 1, 0, 100))) {
            var x = pool.acquire("m1", "gateway");
            var y = pool.acquire("m2", "gateway");
            var z = pool.acquire("m3", "other");
            assertThat(x).isDone();
            assertThat(y).isNotDone();
            assertThat(z).isDone();
            x.join().release();
            assertThat(y).isDone();
        }
    }

    @Test
    void beyondTheWaitingLimitRequestsFailAtOnce() {
        try (SessionPool pool = new SessionPool(new PoolSettings(1, 1, 0, 2))) {
            List<CompletableFuture<SessionPool.Permit>> fs = new ArrayList<>();
            for (int i = 0; i < 3; i++) fs.add(pool.acquire("m" + i, "h" + i));
            var rejected = pool.acquire("m9", "h9");
            assertThat(rejected).isCompletedExceptionally();
            assertThat(rejected.handle((p, e) -> ((MeterException) e).kind()).join()).isEqualTo(MeterFailureKind.POOL_SATURATED);
        }
    }

    @Test
    void newConnectionsAreRateLimited() throws Exception {
        try (SessionPool pool = new SessionPool(new PoolSettings(100, 100, 10, 1000))) {
            List<CompletableFuture<SessionPool.Permit>> fs = new ArrayList<>();
            for (int i = 0; i < 30; i++) fs.add(pool.acquire("m" + i, "h" + i));
            long granted = fs.stream().filter(CompletableFuture::isDone).count();
            assertThat(granted).isLessThanOrEqualTo(10);
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(fs).allMatch(f -> !f.isCompletedExceptionally());
        }
    }
}
