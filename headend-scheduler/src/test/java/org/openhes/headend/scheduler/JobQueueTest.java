package org.openhes.headend.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openhes.headend.scheduler.db.Database;
import org.openhes.headend.scheduler.jobs.ClaimedJob;
import org.openhes.headend.scheduler.jobs.JobQueue;
import org.openhes.headend.scheduler.jobs.JobResult;
import org.openhes.headend.scheduler.jobs.JobType;
import org.openhes.headend.scheduler.jobs.RetryPolicy;
import org.openhes.headend.scheduler.keys.KeyVault;
import org.openhes.headend.scheduler.keys.MasterKey;
import org.openhes.headend.scheduler.meters.MeterRegistry;
import org.openhes.headend.scheduler.plans.ReadPlanner;

/** The queue's promises, with real PostgreSQL and concurrent workers. */
class JobQueueTest {
    static Database db;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T01:00:00Z"));
    JobQueue queue;

    @BeforeAll
    static void open() {
        db = TestDatabase.create();
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @BeforeEach
    void clean() throws Exception {
        try (var c = db.dataSource().getConnection(); var st = c.createStatement()) {
            st.execute("TRUNCATE jobs, read_runs, commands, meters CASCADE");
        }
        queue = new JobQueue(db.dataSource(), clock, new RetryPolicy(Duration.ofSeconds(10), Duration.ofMinutes(5)));
    }

    private void enqueue(int meters, int perMeter) {
        for (int m = 0; m < meters; m++) {
            for (int k = 0; k < perMeter; k++) {
                queue.enqueue(new JobQueue.NewJob(JobType.DAILY_READ, "meter-" + m, "{}", clock.instant(), null, null, null));
            }
        }
    }

    @Test
    void eachJobIsClaimedOnceByConcurrentWorkersAndOneMeterRunsOneJobAtATime() throws Exception {
        enqueue(500, 4); // 2,000 jobs, four per meter
        Map<Long, AtomicInteger> claims = new ConcurrentHashMap<>();
        Set<String> runningMeters = ConcurrentHashMap.newKeySet();
        AtomicInteger overlaps = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(4);
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            String owner = "node-" + w;
            fs.add(workers.submit(() -> {
                int idle = 0;
                while (idle < 3) {
                    List<ClaimedJob> jobs = queue.claim(owner, 50, Duration.ofMinutes(5));
                    if (jobs.isEmpty()) {
                        idle++;
                        continue;
                    }
                    idle = 0;
                    for (ClaimedJob j : jobs) {
                        claims.computeIfAbsent(j.id(), k -> new AtomicInteger()).incrementAndGet();
                        if (!runningMeters.add(j.meterId())) overlaps.incrementAndGet();
                    }
                    for (ClaimedJob j : jobs) {
                        runningMeters.remove(j.meterId());
                        assertThat(queue.finish(j, owner, JobResult.success("{}"))).isEqualTo(JobQueue.Finish.SUCCEEDED);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        workers.shutdown();
        assertThat(claims).hasSize(2000);
        assertThat(claims.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(overlaps.get()).isZero();
    }

    @Test
    void aSecondJobOfARunningMeterWaits() {
        enqueue(1, 2);
        List<ClaimedJob> first = queue.claim("a", 10, Duration.ofMinutes(1));
        assertThat(first).hasSize(1);
        assertThat(queue.claim("b", 10, Duration.ofMinutes(1))).isEmpty();
        queue.finish(first.get(0), "a", JobResult.success(null));
        List<ClaimedJob> second = queue.claim("b", 10, Duration.ofMinutes(1));
        assertThat(second).hasSize(1);
        // many jobs' states in one query, as the API's inline waiters read them
        var views = queue.findAll(List.of(first.get(0).id(), second.get(0).id(), -1L));
        assertThat(views).containsOnlyKeys(first.get(0).id(), second.get(0).id());
        assertThat(views.get(first.get(0).id()).state()).isEqualTo("SUCCEEDED");
        assertThat(views.get(second.get(0).id()).state()).isEqualTo("RUNNING");
    }

    @Test
    void anExpiredLeaseIsTakenOverAndTheLateResultIsNotRecorded() {
        enqueue(1, 1);
        ClaimedJob byA = queue.claim("node-a", 1, Duration.ofSeconds(30)).get(0);
        clock.advance(Duration.ofSeconds(10));
        assertThat(queue.expireLeases()).isZero();
        clock.advance(Duration.ofSeconds(30)); // node-a is gone: no heartbeat
        assertThat(queue.expireLeases()).isEqualTo(1);
        ClaimedJob byB = queue.claim("node-b", 1, Duration.ofSeconds(30)).get(0);
        assertThat(byB.id()).isEqualTo(byA.id());
        assertThat(byB.attempt()).isEqualTo(2);
        assertThat(queue.finish(byA, "node-a", JobResult.success("{\"late\":true}"))).isEqualTo(JobQueue.Finish.LEASE_LOST);
        assertThat(queue.finish(byB, "node-b", JobResult.success("{}"))).isEqualTo(JobQueue.Finish.SUCCEEDED);
        assertThat(queue.find(byA.id()).state()).isEqualTo("SUCCEEDED");
    }

    @Test
    void heartbeatsKeepALease() {
        enqueue(1, 1);
        queue.claim("node-a", 1, Duration.ofSeconds(30));
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(20));
            assertThat(queue.heartbeat("node-a", Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(queue.expireLeases()).isZero();
        }
    }

    @Test
    void aHeartbeatRenewsOnlyTheJobsStillBeingWorkedOn() {
        enqueue(2, 1);
        List<ClaimedJob> jobs = queue.claim("node-a", 2, Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(20));
        // node-a still works on the first job; it lost track of the second (its result could not be recorded)
        assertThat(queue.heartbeat("node-a", Duration.ofSeconds(30), List.of(jobs.get(0).id()))).isEqualTo(1);
        clock.advance(Duration.ofSeconds(20));
        assertThat(queue.expireLeases()).isEqualTo(1);
        assertThat(queue.find(jobs.get(1).id()).state()).isEqualTo("QUEUED");
        assertThat(queue.find(jobs.get(0).id()).state()).isEqualTo("RUNNING");
    }

    @Test
    void timeoutsAreRetriedWithBackoffAndWrongKeysAreDeadAtOnce() {
        enqueue(2, 1);
        List<ClaimedJob> jobs = queue.claim("n", 2, Duration.ofMinutes(1));
        ClaimedJob timeout = jobs.get(0), wrongKeys = jobs.get(1);
        assertThat(queue.finish(timeout, "n", JobResult.failure("RESPONSE_TIMEOUT", true, "no answer"))).isEqualTo(JobQueue.Finish.RETRY);
        assertThat(queue.finish(wrongKeys, "n", JobResult.failure("AUTHENTICATION_FAILED", false, "wrong keys"))).isEqualTo(JobQueue.Finish.DEAD);
        assertThat(queue.claim("n", 2, Duration.ofMinutes(1))).as("backoff: not due yet").isEmpty();
        JobQueue.JobView dead = queue.list("DEAD", 10, 0).get(0);
        assertThat(dead.lastFailureKind()).isEqualTo("AUTHENTICATION_FAILED");
        assertThat(dead.lastFailure()).contains("wrong keys").contains("not retryable");
        // retried until max attempts, then dead
        for (int attempt = 2; attempt <= JobType.DAILY_READ.maxAttempts; attempt++) {
            clock.advance(Duration.ofMinutes(6));
            ClaimedJob again = queue.claim("n", 2, Duration.ofMinutes(1)).get(0);
            assertThat(again.attempt()).isEqualTo(attempt);
            JobQueue.Finish f = queue.finish(again, "n", JobResult.failure("RESPONSE_TIMEOUT", true, "no answer"));
            assertThat(f).isEqualTo(attempt < JobType.DAILY_READ.maxAttempts ? JobQueue.Finish.RETRY : JobQueue.Finish.DEAD);
        }
        assertThat(queue.requeue(dead.id())).isTrue();
        assertThat(queue.claim("n", 2, Duration.ofMinutes(1))).extracting(ClaimedJob::id).contains(dead.id());
    }

    @Test
    void commandsRunBeforeBulkReads() {
        enqueue(3, 1);
        queue.enqueue(new JobQueue.NewJob(JobType.COMMAND, "meter-9", "{}", clock.instant(), null, null, null));
        assertThat(queue.claim("n", 1, Duration.ofMinutes(1)).get(0).type()).isEqualTo(JobType.COMMAND);
    }

    @Test
    void aReadRunSpreadsEveryActiveMeterOverTheWindowOnce() {
        MeterRegistry registry = new MeterRegistry(db.dataSource(),
                new KeyVault(db.dataSource(), MasterKey.fromBase64("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")));
        StringBuilder csv = new StringBuilder(MeterRegistry.CSV_HEADER).append('\n');
        for (int i = 0; i < 300; i++) csv.append(SchedulerStoreTest.csvLine(i)).append('\n');
        assertThat(registry.importCsv(new StringReader(csv.toString())).accepted()).isEqualTo(300);
        ReadPlanner planner = new ReadPlanner(db.dataSource());
        Instant start = Instant.parse("2026-11-21T00:30:00Z");
        ReadPlanner.ReadRun run = planner.createRun(LocalDate.of(2026, 11, 21), start, Duration.ofHours(4));
        assertThat(run.total()).isEqualTo(300);
        assertThat(planner.createRun(LocalDate.of(2026, 11, 21), start, Duration.ofHours(4)).created()).isFalse();
        clock.advance(Duration.ofDays(2));
        List<ClaimedJob> all = queue.claim("n", 1000, Duration.ofMinutes(1));
        assertThat(all).hasSize(300);
        assertThat(all).allSatisfy(j -> assertThat(j.runAt()).isBetween(start, start.plus(Duration.ofHours(4))));
        long early = all.stream().filter(j -> j.runAt().isBefore(start.plus(Duration.ofHours(2)))).count();
        assertThat(early).as("roughly half in the first half of the window").isBetween(100L, 200L);
        for (int i = 0; i < 10; i++) queue.finish(all.get(i), "n", JobResult.success("{}"));
        ReadPlanner.Progress p = planner.progress(run.id()).orElseThrow();
        assertThat(p.succeeded()).isEqualTo(10);
        assertThat(p.pending()).isEqualTo(290);
    }

    @Test
    void planTimesAreDstSafe() {
        ZoneId bxl = ZoneId.of("Europe/Brussels");
        // spring forward 2026-03-29: 02:30 does not exist, it becomes 03:30 CEST = 01:30Z
        assertThat(ReadPlanner.nextPlanTime(LocalTime.of(2, 30), bxl, Instant.parse("2026-03-28T12:00:00Z")))
                .isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
        // fall back 2026-10-25: 02:30 happens twice, the first (CEST) is taken = 00:30Z
        assertThat(ReadPlanner.nextPlanTime(LocalTime.of(2, 30), bxl, Instant.parse("2026-10-24T12:00:00Z")))
                .isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
        assertThat(ReadPlanner.nextPlanTime(LocalTime.of(1, 30), bxl, Instant.parse("2026-11-20T00:31:00Z")))
                .isEqualTo(Instant.parse("2026-11-21T00:30:00Z"));
    }

    @Test
    void a_command_for_a_meter_in_session_rides_on_that_session_on_its_node_only() {
        queue.enqueue(new JobQueue.NewJob(JobType.DAILY_READ, "meter-1", "{}", clock.instant(), null, null, null));
        ClaimedJob read = queue.claim("node-a", 10, Duration.ofMinutes(5)).get(0);
        long command = queue.enqueue(new JobQueue.NewJob(JobType.COMMAND, "meter-1", "{\"type\":\"RECONNECT\"}", clock.instant(), null, null, null));
        assertThat(queue.claim("node-b", 10, Duration.ofMinutes(5))).as("the meter is in session").isEmpty();
        assertThat(queue.claimRiders("node-b", List.of("meter-1"), 10, Duration.ofMinutes(5))).as("not node-b's session").isEmpty();
        List<ClaimedJob> riders = queue.claimRiders("node-a", List.of("meter-1"), 10, Duration.ofMinutes(5));
        assertThat(riders).extracting(ClaimedJob::id).containsExactly(command);
        assertThat(riders.get(0).ridesOn()).isEqualTo(read.id());
        assertThat(queue.finish(riders.get(0), "node-a", JobResult.success("{}"))).isEqualTo(JobQueue.Finish.SUCCEEDED);
        assertThat(queue.finish(read, "node-a", JobResult.success("{}"))).isEqualTo(JobQueue.Finish.SUCCEEDED);
    }

    @Test
    void a_command_waiting_for_the_next_session_rides_on_it_and_otherwise_runs_at_its_time() {
        Instant later = clock.instant().plus(Duration.ofHours(6));
        long waiting = queue.enqueue(new JobQueue.NewJob(JobType.COMMAND, "meter-2", "{\"type\":\"DISPLAY_BALANCE\"}", later,
                later.plus(Duration.ofHours(1)), null, null, true));
        assertThat(queue.claim("node-a", 10, Duration.ofMinutes(5))).as("its time has not come").isEmpty();
        queue.enqueue(new JobQueue.NewJob(JobType.DAILY_READ, "meter-2", "{}", clock.instant(), null, null, null));
        queue.claim("node-a", 10, Duration.ofMinutes(5));
        assertThat(queue.claimRiders("node-a", List.of("meter-2"), 10, Duration.ofMinutes(5))).extracting(ClaimedJob::id).containsExactly(waiting);
        // and on a meter without a session, at its time, on its own
        Instant at = clock.instant().plus(Duration.ofHours(2));
        long alone = queue.enqueue(new JobQueue.NewJob(JobType.COMMAND, "meter-3", "{}", at, at.plus(Duration.ofHours(1)), null, null, true));
        clock.advance(Duration.ofHours(2));
        assertThat(queue.claim("node-a", 10, Duration.ofMinutes(5))).extracting(ClaimedJob::id).containsExactly(alone);
    }

    @Test
    void a_rider_whose_node_dies_goes_back_to_the_queue_and_is_completed_once() {
        queue.enqueue(new JobQueue.NewJob(JobType.DAILY_READ, "meter-4", "{}", clock.instant(), null, null, null));
        ClaimedJob read = queue.claim("node-a", 10, Duration.ofMinutes(1)).get(0);
        long command = queue.enqueue(new JobQueue.NewJob(JobType.COMMAND, "meter-4", "{}", clock.instant(), null, null, null));
        ClaimedJob rider = queue.claimRiders("node-a", List.of("meter-4"), 10, Duration.ofMinutes(1)).get(0);
        assertThat(queue.finish(read, "node-a", JobResult.success("{}"))).isEqualTo(JobQueue.Finish.SUCCEEDED);
        // node-a dies before the command ran in its session
        clock.advance(Duration.ofMinutes(2));
        assertThat(queue.expireLeases()).isEqualTo(1);
        ClaimedJob again = queue.claim("node-b", 10, Duration.ofMinutes(1)).get(0);
        assertThat(again.id()).isEqualTo(command);
        assertThat(again.ridesOn()).as("a job of its own now").isNull();
        assertThat(queue.finish(rider, "node-a", JobResult.success("{}"))).as("the dead node's late result").isEqualTo(JobQueue.Finish.LEASE_LOST);
        assertThat(queue.finish(again, "node-b", JobResult.success("{}"))).isEqualTo(JobQueue.Finish.SUCCEEDED);
        assertThat(queue.find(command).state()).isEqualTo("SUCCEEDED");
    }
}
