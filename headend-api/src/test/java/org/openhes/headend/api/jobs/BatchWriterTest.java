package org.openhes.headend.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchWriterTest {

    @Test
    void writes_every_item_once_in_batches_no_larger_than_the_limit() throws Exception {
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> done = new ArrayList<>();
        try (BatchWriter<Integer> w = new BatchWriter<>("test-writer", b -> batches.add(List.copyOf(b)), 100, Duration.ofMillis(5))) {
            IntStream.range(0, 1000).forEach(i -> done.add(w.add(List.of(i * 3, i * 3 + 1, i * 3 + 2))));
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        }
        List<Integer> all = batches.stream().flatMap(List::stream).sorted().toList();
        assertThat(all).isEqualTo(IntStream.range(0, 3000).boxed().toList());
        assertThat(batches).allSatisfy(b -> assertThat(b.size()).isLessThanOrEqualTo(100));
        assertThat(batches.size()).isLessThan(1000);
    }

    @Test
    void a_failing_sink_fails_the_callers_of_that_batch_and_the_writer_goes_on() throws Exception {
        try (BatchWriter<String> w = new BatchWriter<>("test-writer", b -> {
            if (b.contains("poison")) throw new IllegalStateException("database down");
        }, 1, Duration.ofMillis(1))) {
            CompletableFuture<Void> bad = w.add(List.of("poison"));
            assertThat(bad).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .withMessageContaining("database down");
            assertThat(w.add(List.of("fine"))).succeedsWithin(Duration.ofSeconds(5));
        }
    }

    @Test
    void closing_writes_what_is_queued() {
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        BatchWriter<String> w = new BatchWriter<>("test-writer", written::addAll, 1000, Duration.ofHours(1));
        CompletableFuture<Void> f = w.add(List.of("a", "b"));
        w.close();
        assertThat(f).isCompleted();
        assertThat(written).containsExactly("a", "b");
        assertThat(w.add(List.of("c"))).isCompletedExceptionally();
    }

    @Test
    void two_flushers_write_two_batches_at_once() throws Exception {
        // the first batch stays in the sink until a second one is in it too: with one flusher it never would be
        CountDownLatch firstInSink = new CountDownLatch(1);
        CountDownLatch twoInSink = new CountDownLatch(2);
        List<Integer> written = Collections.synchronizedList(new ArrayList<>());
        try (BatchWriter<Integer> w = new BatchWriter<>("test-writer", b -> {
            firstInSink.countDown();
            twoInSink.countDown();
            try {
                if (!twoInSink.await(5, TimeUnit.SECONDS)) throw new IllegalStateException("no second batch in the sink at once");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            written.addAll(b);
        }, 10, Duration.ofMillis(1), 2)) {
            CompletableFuture<Void> first = w.add(List.of(1, 2));
            assertThat(firstInSink.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> second = w.add(List.of(3));
            CompletableFuture.allOf(first, second).get(10, TimeUnit.SECONDS);
        }
        assertThat(written).containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void closing_with_two_flushers_writes_what_is_queued_and_stops_both() {
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        BatchWriter<String> w = new BatchWriter<>("test-writer", written::addAll, 1000, Duration.ofHours(1), 2);
        CompletableFuture<Void> f = w.add(List.of("a", "b"));
        w.close();
        assertThat(f).isCompleted();
        assertThat(written).containsExactly("a", "b");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("test-writer-") && t.isAlive());
    }
}
