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
    void bulkReadsLeaveTheUrgentReserveFree() {
        // 3 slots, 1 of them for urgent sessions only
        try (SessionPool pool = new SessionPool(new PoolSettings(3, 10, 0, 100, 0, 1))) {
            var r1 = pool.acquire("r1", "h1");
            var r2 = pool.acquire("r2", "h2");
            var r3 = pool.acquire("r3", "h3");
            assertThat(r1).isDone();
            assertThat(r2).isDone();
            assertThat(r3).as("a bulk read does not take the reserved slot").isNotDone();
            var command = pool.acquire("c1", "h4", true);
            assertThat(command).as("a command finds the reserved slot free while bulk reads fill the rest").isDone();
            var second = pool.acquire("c2", "h5", true);
            assertThat(second).as("the whole pool is in use").isNotDone();
            r1.join().release();
            assertThat(second).as("urgent first").isDone();
            assertThat(r3).isNotDone();
            command.join().release();
            second.join().release();
            assertThat(r3).as("back under the bulk share").isDone();
            assertThat(pool.active()).isEqualTo(2);
        }
    }

    @Test
    void theDefaultReserveIsOnePercentAtMostFifty() {
        assertThat(new PoolSettings(64, 1, 0, 10).urgentReserve()).isZero();
        assertThat(new PoolSettings(1000, 1, 0, 10).urgentReserve()).isEqualTo(10);
        assertThat(new PoolSettings(20_000, 1, 0, 10).urgentReserve()).isEqualTo(50);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PoolSettings(10, 1, 0, 10, 0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("urgent reserve");
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
