package org.openhes.headend.scheduler.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openhes.headend.scheduler.MutableClock;
import org.openhes.headend.scheduler.TestDatabase;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.scheduler.db.Database;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.scheduler.jobs.ClaimedJob;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.jobs.JobResult;
import org.openhes.headend.scheduler.jobs.RetryPolicy;
import org.openhes.headend.scheduler.reads.IndexRead;
import org.openhes.headend.scheduler.reads.ReadStore;

/** The feed, the callback outbox and subscriptions against a real PostgreSQL. */
class DeliveryStoreTest {
    static final String METER = "541448800000000017";
    static final List<FeedKind> ALL = List.of(FeedKind.values());
    static Database db;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T01:00:00Z"));
    final DeliverySettings settings = DeliverySettings.DEFAULTS;
    FeedStore feed;
    CallbackOutbox outbox;
    SubscriptionStore subscriptions;
    JobQueue jobs;
    CommandStore commands;

    @BeforeAll
    static void open() throws Exception {
        db = TestDatabase.create();
        try (Connection c = db.dataSource().getConnection(); var st = c.createStatement()) {
            st.execute("INSERT INTO meters (id, serial, host, port, transport, client_sap, server_sap, auth) "
                    + "VALUES ('" + METER + "', 'S1', '127.0.0.1', 4059, 'wrapper', 1, 1, 'none')");
        }
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @BeforeEach
    void clean() throws Exception {
        try (Connection c = db.dataSource().getConnection(); var st = c.createStatement()) {
            st.execute("TRUNCATE feed, subscriptions, command_callbacks, jobs, commands, events CASCADE");
        }
        feed = new FeedStore(db.dataSource());
        outbox = new CallbackOutbox(db.dataSource(), clock, settings);
        subscriptions = new SubscriptionStore(db.dataSource(), clock, settings);
        jobs = new JobQueue(db.dataSource(), clock, new RetryPolicy(Duration.ofSeconds(10), Duration.ofMinutes(5)));
        commands = new CommandStore(db.dataSource(), jobs, clock);
    }

    @Test
    void an_entry_of_a_transaction_that_commits_late_is_not_passed_by_a_reader() throws Exception {
        try (Connection slow = db.dataSource().getConnection()) {
            slow.setAutoCommit(false);
            FeedStore.append(slow, FeedKind.EVENT, METER, "slow");   // A: written first, committed last
            try (Connection quick = db.dataSource().getConnection()) {
                FeedStore.append(quick, FeedKind.EVENT, METER, "quick"); // B: autocommit, committed now
            }
            assertThat(feed.page(FeedPosition.START, ALL, 10)).as("nothing is readable while A runs: B lies above A's id").isEmpty();
            slow.commit();
        }
        List<FeedEntry> page = feed.page(FeedPosition.START, ALL, 10);
        assertThat(page).extracting(FeedEntry::ref).containsExactly("slow", "quick");
        assertThat(feed.page(page.get(0).position(), ALL, 10)).extracting(FeedEntry::ref).containsExactly("quick");
        assertThat(feed.head()).isEqualTo(page.get(1).position());
    }

    @Test
    void a_rolled_back_entry_never_appears_and_a_page_keeps_to_its_kinds() throws Exception {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            FeedStore.append(c, FeedKind.EVENT, METER, "gone");
            c.rollback();
        }
        new EventStore(db.dataSource()).record(METER, "PUSH", clock.instant(), "{}");
        new ReadStore(db.dataSource(), clock).store(List.of(
                new IndexRead(METER, Instant.parse("2026-11-19T23:00:00Z"), "1.0.1.8.1.255", BigDecimal.TEN, "Wh", IndexRead.Source.DAILY_PROFILE),
                new IndexRead(METER, Instant.parse("2026-11-19T23:00:00Z"), "1.0.1.8.2.255", BigDecimal.ONE, "Wh", IndexRead.Source.DAILY_PROFILE)));

        assertThat(feed.page(FeedPosition.START, ALL, 10)).extracting(FeedEntry::kind).containsExactly(FeedKind.EVENT, FeedKind.DAILY_READ);
        List<FeedEntry> reads = feed.page(FeedPosition.START, List.of(FeedKind.DAILY_READ), 10);
        assertThat(reads).hasSize(1);
        ReadStore.Capture capture = ReadStore.captureRef(METER, reads.get(0).ref());
        assertThat(capture.capturedAt()).isEqualTo(Instant.parse("2026-11-19T23:00:00Z"));
        assertThat(new ReadStore(db.dataSource(), clock).captures(List.of(capture))).hasSize(2);
        // the same reads again are not new, and announce nothing
        assertThat(new ReadStore(db.dataSource(), clock).store(List.of(
                new IndexRead(METER, Instant.parse("2026-11-19T23:00:00Z"), "1.0.1.8.1.255", BigDecimal.TEN, "Wh", IndexRead.Source.DAILY_PROFILE))))
                .isZero();
        assertThat(feed.page(FeedPosition.START, List.of(FeedKind.DAILY_READ), 10)).hasSize(1);
    }

    @Test
    void a_command_finishing_stores_its_callback_and_feed_entry_with_its_end() {
        UUID id = submitWithCallback("k1");
        ClaimedJob job = jobs.claim("node-a", 1, Duration.ofSeconds(30)).get(0);
        assertThat(outbox.claimDue(10, Duration.ofSeconds(30))).as("nothing is due while the command runs").isEmpty();

        jobs.finish(job, "node-a", JobResult.success("{}"));

        assertThat(feed.page(FeedPosition.START, List.of(FeedKind.COMMAND_RESULT), 10)).extracting(FeedEntry::ref).containsExactly(id.toString());
        List<CallbackOutbox.Due> due = outbox.claimDue(10, Duration.ofSeconds(30));
        assertThat(due).extracting(CallbackOutbox.Due::commandId).containsExactly(id);
        assertThat(outbox.claimDue(10, Duration.ofSeconds(30))).as("claimed once").isEmpty();
        assertThat(outbox.delivered(due.get(0))).isTrue();
        assertThat(outbox.counts()).isEqualTo(new CallbackOutbox.Counts(0, 0));
    }

    @Test
    void a_claim_that_runs_out_is_taken_again_and_the_late_outcome_is_ignored() {
        UUID id = submitWithCallback("k2");
        ClaimedJob job = jobs.claim("node-a", 1, Duration.ofSeconds(30)).get(0);
        jobs.finish(job, "node-a", JobResult.success("{}"));
        CallbackOutbox.Due byA = outbox.claimDue(10, Duration.ofSeconds(30)).get(0);
        clock.advance(Duration.ofSeconds(31)); // node A died while posting
        CallbackOutbox.Due byB = outbox.claimDue(10, Duration.ofSeconds(30)).get(0);
        assertThat(byB.commandId()).isEqualTo(id);
        assertThat(byB.attempt()).isEqualTo(2);
        assertThat(outbox.failed(byA, "late", false)).isFalse();
        assertThat(outbox.delivered(byA)).as("A's attempt is no longer the callback's").isFalse();
        assertThat(outbox.delivered(byB)).isTrue();
        assertThat(outbox.delivered(byB)).as("delivered once").isFalse();
        assertThat(outbox.counts()).isEqualTo(new CallbackOutbox.Counts(0, 0));
    }

    @Test
    void failed_attempts_back_off_and_the_last_one_or_a_refusal_is_dead() {
        submitWithCallback("k3");
        jobs.finish(jobs.claim("node-a", 1, Duration.ofSeconds(30)).get(0), "node-a", JobResult.success("{}"));
        CallbackOutbox.Due first = outbox.claimDue(10, Duration.ofSeconds(30)).get(0);
        assertThat(outbox.failed(first, "HTTP 503", false)).isFalse();
        assertThat(outbox.claimDue(10, Duration.ofSeconds(30))).as("not due before its backoff").isEmpty();
        clock.advance(settings.backoff(1));
        CallbackOutbox.Due second = outbox.claimDue(10, Duration.ofSeconds(30)).get(0);
        assertThat(outbox.failed(second, "HTTP 410", true)).isTrue();
        assertThat(outbox.counts()).isEqualTo(new CallbackOutbox.Counts(0, 1));
        clock.advance(Duration.ofDays(1));
        assertThat(outbox.claimDue(10, Duration.ofSeconds(30))).as("a dead callback is not tried again").isEmpty();
    }

    @Test
    void a_command_whose_last_lease_expires_fails_and_is_called_back() throws Exception {
        UUID id = commands.submit(new CommandStore.NewCommand(METER, "DISCONNECT", "{}", "platform", "k4", null, "http://127.0.0.1:1/cb")).command().id();
        try (Connection c = db.dataSource().getConnection(); var st = c.createStatement()) {
            st.execute("UPDATE jobs SET max_attempts = 1");
        }
        jobs.claim("node-a", 1, Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(31));
        assertThat(jobs.expireLeases()).isEqualTo(1);
        assertThat(commands.find(id).orElseThrow().status()).isEqualTo("FAILED");
        assertThat(commands.find(id).orElseThrow().error()).contains("LEASE_EXPIRED");
        assertThat(outbox.claimDue(10, Duration.ofSeconds(30))).extracting(CallbackOutbox.Due::commandId).containsExactly(id);
    }

    @Test
    void a_subscription_is_held_by_one_node_and_its_cursor_moves_only_from_where_the_batch_started() {
        new EventStore(db.dataSource()).record(METER, "PUSH", clock.instant(), "{}");
        new EventStore(db.dataSource()).record(METER, "PUSH", clock.instant(), "{}");
        Subscription s = subscriptions.create("http://127.0.0.1:1/feed", List.of(FeedKind.EVENT), 1, "platform", FeedPosition.START);
        Subscription byA = subscriptions.claimDue("node-a", Duration.ofSeconds(30), 10).get(0);
        assertThat(subscriptions.claimDue("node-b", Duration.ofSeconds(30), 10)).as("held by A").isEmpty();
        List<FeedEntry> batch = feed.page(byA.cursor(), byA.kinds(), byA.batchSize());
        assertThat(batch).hasSize(1);

        subscriptions.moveCursor(s.id(), FeedPosition.START); // an operator replays meanwhile
        assertThat(subscriptions.advance(byA, "node-b", batch.get(0).position(), 1)).as("not B's").isFalse();
        assertThat(subscriptions.advance(byA, "node-a", batch.get(0).position(), 1)).isTrue();
        assertThat(subscriptions.find(s.id()).orElseThrow().cursor()).isEqualTo(batch.get(0).position());

        Subscription again = subscriptions.claimDue("node-a", Duration.ofSeconds(30), 10).get(0);
        subscriptions.moveCursor(s.id(), FeedPosition.START);
        assertThat(subscriptions.advance(again, "node-a", FeedPosition.START, 1)).as("the cursor moved under the batch").isFalse();
    }

    @Test
    void a_failing_subscription_backs_off_and_dies_after_its_time_or_a_refusal() {
        Subscription s = subscriptions.create("http://127.0.0.1:1/feed", ALL, 10, "platform", FeedPosition.START);
        Subscription claimed = subscriptions.claimDue("node-a", Duration.ofSeconds(30), 10).get(0);
        assertThat(subscriptions.failed(claimed, "node-a", "connection refused", false)).isFalse();
        assertThat(subscriptions.claimDue("node-a", Duration.ofSeconds(30), 10)).isEmpty();
        clock.advance(settings.subscriptionDeadAfter());
        claimed = subscriptions.claimDue("node-a", Duration.ofSeconds(30), 10).get(0);
        assertThat(claimed.failures()).isEqualTo(1);
        assertThat(subscriptions.failed(claimed, "node-a", "connection refused", false)).as("failing for dead-after").isTrue();
        assertThat(subscriptions.find(s.id()).orElseThrow().state()).isEqualTo(Subscription.State.DEAD);
        assertThat(subscriptions.claimDue("node-a", Duration.ofSeconds(30), 10)).isEmpty();

        assertThat(subscriptions.resume(s.id())).isTrue();
        claimed = subscriptions.claimDue("node-a", Duration.ofSeconds(30), 10).get(0);
        assertThat(subscriptions.failed(claimed, "node-a", "HTTP 410", true)).as("gone is for good").isTrue();
    }

    private UUID submitWithCallback(String key) {
        return commands.submit(new CommandStore.NewCommand(METER, "DISCONNECT", "{}", "platform", key, null, "http://127.0.0.1:1/cb")).command().id();
    }
}
