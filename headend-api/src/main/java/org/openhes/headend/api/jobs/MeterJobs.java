package org.openhes.headend.api.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.openhes.headend.api.node.MeterDirectory;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.model.CommandOutcome;
import org.openhes.headend.protocol.model.CommandResult;
import org.openhes.headend.protocol.model.IndexReading;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.protocol.model.PushDestination;
import org.openhes.headend.protocol.model.Register;
import org.openhes.headend.protocol.session.MeterClient;
import org.openhes.headend.protocol.session.MeterReads;
import org.openhes.headend.protocol.session.MeterSession;
import org.openhes.headend.scheduler.guard.DisconnectionGuard;
import org.openhes.headend.scheduler.guard.Guard;
import org.openhes.headend.scheduler.jobs.ClaimedJob;
import org.openhes.headend.scheduler.jobs.JobHandler;
import org.openhes.headend.scheduler.jobs.JobResult;
import org.openhes.headend.scheduler.reads.IndexRead;
import org.openhes.headend.scheduler.reads.ReadStore;

/**
 * What each kind of job does with a meter: the pipeline from a claimed job to stored reads or a
 * command result. Looks the meter up (on the database executor), runs one session, writes reads
 * through the batch writer, and describes the outcome for the queue.
 */
public final class MeterJobs implements JobHandler {
    static final ObjectMapper JSON = new ObjectMapper();

    private final MeterDirectory directory;
    private final MeterClient client;
    private final ReadStore reads;
    private final BatchWriter<IndexRead> readWriter;
    private final Executor db;
    private final InstantSource clock;
    private final ZoneId zone;
    private final int catchUpDays;
    private final TraceLog traces = new TraceLog();
    private java.util.function.BiConsumer<String, java.time.Duration> clockCheck = (meter, drift) -> { };

    /** Key renewals (their sessions open with chosen key versions, not the target's active keys). */
    private KeyRenewal renewal;

    public void keyRenewal(KeyRenewal renewal) {
        this.renewal = renewal;
    }

    /** Told the drift of every meter clock seen during a daily read. */
    public void onClockDrift(java.util.function.BiConsumer<String, java.time.Duration> check) {
        this.clockCheck = check;
    }

    private final Guard guard;
    /** The load profile part of daily reads; null when load profiles are off ({@code load.profile.enabled}). */
    private final IntervalCollection intervals;
    /** The logs part of daily reads; null when off ({@code event.logs.enabled}). */
    private final EventLogCollection logs;

    public MeterJobs(MeterDirectory directory, MeterClient client, ReadStore reads, BatchWriter<IndexRead> readWriter,
                     Executor db, InstantSource clock, ZoneId zone, int catchUpDays, Guard guard, IntervalCollection intervals,
                     EventLogCollection logs) {
        this.guard = guard;
        this.intervals = intervals;
        this.logs = logs;
        this.directory = directory;
        this.client = client;
        this.reads = reads;
        this.readWriter = readWriter;
        this.db = db;
        this.clock = clock;
        this.zone = zone;
        this.catchUpDays = catchUpDays;
    }

    /** Days each prepared daily-read job still misses, found for the whole batch at once. */
    private final java.util.concurrent.ConcurrentHashMap<Long, List<LocalDate>> missingByJob = new java.util.concurrent.ConcurrentHashMap<>();

    /** Wire traces of the sessions field engineers asked to trace. */
    public TraceLog traces() {
        return traces;
    }

    @Override
    public void prepare(List<ClaimedJob> jobs) {
        directory.preload(jobs.stream().map(ClaimedJob::meterId).distinct().toList());
        Map<LocalDate, List<ClaimedJob>> byDate = new java.util.HashMap<>();
        List<ClaimedJob> daily = new ArrayList<>();
        for (ClaimedJob j : jobs) {
            if (j.type() != org.openhes.headend.scheduler.jobs.JobType.DAILY_READ) continue;
            byDate.computeIfAbsent(dateOf(j), d -> new ArrayList<>()).add(j);
            daily.add(j);
        }
        if (intervals != null) intervals.prepare(daily);
        if (logs != null) logs.prepare(daily);
        for (var e : byDate.entrySet()) {
            LocalDate to = e.getKey(), from = to.minusDays(catchUpDays - 1);
            var have = reads.dailyCaptures(e.getValue().stream().map(ClaimedJob::meterId).toList(),
                    from.atStartOfDay(zone).toInstant(), to.plusDays(1).atStartOfDay(zone).toInstant());
            for (ClaimedJob j : e.getValue()) {
                List<LocalDate> missing = new ArrayList<>();
                for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                    if (!have.get(j.meterId()).contains(d.atStartOfDay(zone).toInstant())) missing.add(d);
                }
                missingByJob.put(j.id(), missing);
            }
        }
    }

    private LocalDate dateOf(ClaimedJob j) {
        try {
            return dateOf(JSON.readTree(j.payload()));
        } catch (JsonProcessingException | IllegalArgumentException unreadable) {
            return clock.instant().atZone(zone).toLocalDate();
        }
    }

    /** The payload's "date", or today when it has none or an unreadable one. */
    private LocalDate dateOf(JsonNode payload) {
        try {
            if (payload.hasNonNull("date")) return LocalDate.parse(payload.get("date").asText());
        } catch (java.time.format.DateTimeParseException unreadable) {
            // today, as below
        }
        return clock.instant().atZone(zone).toLocalDate();
    }

    @Override
    public CompletableFuture<JobResult> handle(ClaimedJob job) {
        // taken out whatever happens next, so that failed jobs leave nothing behind
        List<LocalDate> prepared = missingByJob.remove(job.id());
        JsonNode payload;
        try {
            payload = JSON.readTree(job.payload());
        } catch (Exception e) {
            return CompletableFuture.completedFuture(JobResult.failure("INVALID_REQUEST", false, "payload is not JSON: " + e.getMessage()));
        }
        return targetOf(job.meterId())
                .thenCompose(target -> target.isEmpty()
                        ? CompletableFuture.completedFuture(JobResult.failure("UNKNOWN_METER", false, "meter " + job.meterId() + " is not registered"))
                        : run(job, payload, target.get(), prepared))
                .exceptionallyCompose(e -> duringRenewal(job, failure(job, e)));
    }

    /**
     * A session refused for its keys while a renewal of the meter is being settled (a crash or a lost
     * link between the transfer and its confirmation left the meter on the pending keys): not the keys'
     * fault. The job is held (its attempt given back) and tried again in 30 s, so a read or a command is
     * not dead-lettered while the renewal settles; once it has settled, a refusal is a refusal again.
     */
    private CompletableFuture<JobResult> duringRenewal(ClaimedJob job, JobResult failed) {
        boolean keys = "AUTHENTICATION_FAILED".equals(failed.failureKind()) || "AUTHENTICATION_SUSPECTED".equals(failed.failureKind());
        if (!keys || renewal == null || job.type() == org.openhes.headend.scheduler.jobs.JobType.KEY_RENEWAL) {
            return CompletableFuture.completedFuture(failed);
        }
        return CompletableFuture.supplyAsync(() -> renewal.underWay(job.meterId()), db).handle((underWay, e) -> e == null && underWay
                ? JobResult.held("a key renewal of meter " + job.meterId() + " is being settled (" + failed.message() + ")",
                        clock.instant().plus(KeyRenewal.WAIT_FOR_SETTLEMENT))
                : failed);
    }

    private CompletableFuture<java.util.Optional<MeterTarget>> targetOf(String meterId) {
        return CompletableFuture.supplyAsync(() -> directory.target(meterId), db);
    }

    private CompletableFuture<JobResult> run(ClaimedJob job, JsonNode payload, MeterTarget target, List<LocalDate> prepared) {
        return switch (job.type()) {
            case DAILY_READ -> dailyRead(target, dateOf(payload), prepared);
            case ON_DEMAND_READ -> onDemandRead(target, payload.path("trace").asBoolean(false));
            case COMMAND -> command(target, payload);
            case CLOCK_SYNC -> client.withSession(target, "clock-sync", s -> s.reads().setClock(clock.instant()))
                    .thenApply(t -> JobResult.success(json(Map.of("clock", t.toString()))));
            case KEY_RENEWAL -> renewal == null
                    ? CompletableFuture.completedFuture(JobResult.failure("INVALID_REQUEST", false, "key renewal is not set up on this node"))
                    : renewal.run(job, payload);
        };
    }

    /** The day's midnight capture, and the missing days before it (catch-up) in the same session. */
    private CompletableFuture<JobResult> dailyRead(MeterTarget target, LocalDate date, List<LocalDate> prepared) {
        CompletableFuture<List<LocalDate>> missingDays = prepared != null ? CompletableFuture.completedFuture(prepared)
                : CompletableFuture.supplyAsync(() -> reads.missingDays(target.meterId(), date.minusDays(catchUpDays - 1), date, zone), db);
        return missingDays
                .thenCompose(missing -> {
                    LocalDate from = missing.isEmpty() ? date : missing.get(0);
                    return client.withSession(target, "daily-read", s -> s.reads().daily(from, date, zone)
                            .thenCompose(d -> dailyExtras(s, target.meterId(), d)));
                })
                .thenCompose(result -> {
                    List<IndexRead> out = new ArrayList<>();
                    for (IndexReading row : result.rows()) out.addAll(toReads(target.meterId(), row, IndexRead.Source.DAILY_PROFILE));
                    if (result.gas() != null) {
                        out.add(toRead(target.meterId(), result.gas().readAt(), result.gas().gas(), IndexRead.Source.ON_DEMAND));
                        clockCheck.accept(target.meterId(), result.gas().drift());
                    }
                    Instant wanted = date.atStartOfDay(zone).toInstant();
                    boolean hasDay = result.rows().stream().anyMatch(r -> r.capturedAt().equals(wanted));
                    CompletableFuture<Void> stored = result.load() == null ? readWriter.add(out)
                            : readWriter.add(out).thenCombine(intervals.store(target.meterId(), result.load().intervals()), (a, b) -> null);
                    if (result.logs() != null) stored = stored.thenCombine(logs.store(target.meterId(), result.logs()), (a, b) -> null);
                    Map<String, Object> summary = new LinkedHashMap<>();
                    summary.put("date", date.toString());
                    summary.put("rows", result.rows().size());
                    if (result.load() != null) summary.put("intervals", result.load().intervals().size());
                    if (result.load() != null && result.load().problem() != null) summary.put("loadProfile", result.load().problem());
                    if (result.logs() != null) {
                        summary.put("logEntries", result.logs().entries().size());
                        if (result.logs().alarmBits() != 0) summary.put("alarmRegister", result.logs().alarmBits());
                        if (!result.logs().problems().isEmpty()) summary.put("logs", result.logs().problems());
                    }
                    return stored.thenApply(v -> hasDay
                            ? JobResult.success(json(summary))
                            : JobResult.failure("NO_PROFILE_ROW", true, "the daily profile has no row captured at " + wanted
                            + " (got " + result.rows().size() + " rows)"));
                });
    }

    /** After the daily rows, in the same session: the load profile, then the logs and the alarm register, each when on. */
    private CompletableFuture<DailyResult> dailyExtras(MeterSession s, String meterId, MeterReads.DailyRead d) {
        CompletableFuture<IntervalCollection.Outcome> load = intervals == null ? CompletableFuture.completedFuture(null) : intervals.read(s, meterId);
        return load.thenCompose(lp -> (logs == null ? CompletableFuture.<EventLogCollection.Outcome>completedFuture(null) : logs.read(s, meterId))
                .thenApply(lg -> new DailyResult(d.rows(), d.gasAndClock(), lp, lg)));
    }

    private record DailyResult(List<IndexReading> rows, MeterReads.GasAndClock gas, IntervalCollection.Outcome load,
                               EventLogCollection.Outcome logs) {
    }

    private CompletableFuture<JobResult> onDemandRead(MeterTarget target, boolean trace) {
        return client.withSession(target, "on-demand-read", new MeterClient.Options(trace, false, true), s -> s.reads().indexes())
                .whenComplete((o, e) -> {
                    if (!trace) return;
                    MeterException failure = e == null ? null : MeterException.find(e);
                    if (e != null && failure == null) return;
                    traces.add(target.meterId(), TraceLog.Session.of(clock.instant(), "on-demand-read", target,
                            failure == null ? o.trace() : failure.trace(), failure));
                })
                .thenApply(MeterClient.Outcome::value).thenCompose(now -> {
            List<IndexRead> out = toReads(target.meterId(), now, IndexRead.Source.ON_DEMAND);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("meterId", target.meterId());
            result.put("capturedAt", now.capturedAt().toString());
            result.put("registers", registers(now.registers()));
            return readWriter.add(out).thenApply(v -> JobResult.success(json(result)));
        });
    }

    private CompletableFuture<JobResult> command(MeterTarget target, JsonNode p) {
        return guarded(target.meterId(), p, q -> {
            Function<MeterSession, CompletableFuture<CommandResult>> op = operation(q);
            if (op == null) return CompletableFuture.completedFuture(unsupported(q));
            String type = q.path("type").asText();
            return client.withSession(target, type.toLowerCase(), MeterClient.Options.URGENT, op).thenApply(o -> commandResult(o.value()));
        });
    }

    /**
     * The guard again, as the command is about to run (a window may have opened since it was
     * accepted): held until the window ends, refused, turned into the protected customer's power
     * limit, or run as asked. Reconnections and limits pass without a look.
     */
    private CompletableFuture<JobResult> guarded(String meterId, JsonNode p, Function<JsonNode, CompletableFuture<JobResult>> run) {
        String type = p.path("type").asText();
        if (!DisconnectionGuard.GUARDED.contains(type) || p.has("guardOverride")) return run.apply(p);
        return CompletableFuture.supplyAsync(() -> guard.decide(meterId, directory.labels(meterId), type, false), db).thenCompose(d -> switch (d.verdict()) {
            case ALLOW -> run.apply(p);
            case HOLD -> CompletableFuture.completedFuture(JobResult.held(d.rule(), d.until()));
            case REFUSE -> CompletableFuture.completedFuture(JobResult.failure("GUARD_REFUSED", false,
                    "the disconnection guard refuses it: " + d.rule()));
            case LIMIT -> run.apply(JSON.createObjectNode().put("type", "SET_POWER_LIMIT").put("watts", d.watts()))
                    .thenApply(r -> guardNote(r, d.rule(), type, "SET_POWER_LIMIT " + d.watts() + " W"));
        });
    }

    /** The result of a command the guard changed, saying so. */
    private static JobResult guardNote(JobResult r, String rule, String asked, String ran) {
        if (r.resultJson() == null) return r;
        try {
            var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(r.resultJson());
            node.putObject("guard").put("rule", rule).put("asked", asked).put("ran", ran);
            return new JobResult(r.succeeded(), JSON.writeValueAsString(node), r.failureKind(), r.retryable(), r.message(), r.heldUntil());
        } catch (JsonProcessingException e) {
            return r;
        }
    }

    /**
     * A command that joins the session of its meter's running job: an urgent one between that job's
     * requests, one that waited for the meter's next session (its time not yet come) after it. When the
     * session has ended by then, the command runs in a session of its own.
     */
    @Override
    public CompletableFuture<JobResult> handleRider(ClaimedJob job) {
        if (job.type() != org.openhes.headend.scheduler.jobs.JobType.COMMAND) return handle(job);
        JsonNode payload;
        try {
            payload = JSON.readTree(job.payload());
        } catch (Exception e) {
            return handle(job);
        }
        boolean urgent = !job.runAt().isAfter(clock.instant());
        return guarded(job.meterId(), payload, q -> {
            Function<MeterSession, CompletableFuture<CommandResult>> op = operation(q);
            if (op == null) return CompletableFuture.completedFuture(unsupported(q));
            return client.join(job.meterId(), q.path("type").asText().toLowerCase(), urgent, op).thenApply(MeterJobs::commandResult)
                    .exceptionallyCompose(e -> e instanceof MeterClient.NotJoined || e.getCause() instanceof MeterClient.NotJoined
                            ? handle(job) : CompletableFuture.failedFuture(e));
        }).exceptionally(e -> failure(job, e));
    }

    private static Function<MeterSession, CompletableFuture<CommandResult>> operation(JsonNode p) {
        return switch (p.path("type").asText()) {
            case "DISCONNECT" -> s -> s.commands().disconnect();
            case "RECONNECT" -> s -> s.commands().reconnect();
            case "SET_POWER_LIMIT" -> s -> s.commands().setPowerLimit(p.path("watts").asLong());
            case "CLEAR_POWER_LIMIT" -> s -> s.commands().clearPowerLimit();
            case "GAS_DISCONNECT" -> s -> s.commands().closeGasValve();
            case "GAS_RECONNECT" -> s -> s.commands().armGasValve();
            case "DISPLAY_BALANCE" -> s -> s.commands().displayBalance(new BigDecimal(p.path("amount").asText()), p.path("currency").asText("EUR"));
            case "SET_PUSH_SETUP" -> s -> s.pushSetup().configure(PushDestination.parse(p.path("destination").asText(),
                    optionalInt(p, "randomisationSeconds"), optionalInt(p, "retries"), optionalInt(p, "repetitionDelaySeconds")));
            default -> null;
        };
    }

    private static Integer optionalInt(JsonNode p, String field) {
        return p.hasNonNull(field) ? p.get(field).asInt() : null;
    }

    private static JobResult unsupported(JsonNode p) {
        return JobResult.failure("INVALID_REQUEST", false, "unsupported command " + p.path("type").asText());
    }

    private static JobResult commandResult(CommandResult r) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("outcome", r.outcome().name());
        result.put("state", new java.util.TreeMap<>(r.state()));
        if (r.outcome() == CommandOutcome.NOT_APPLIED) {
            return new JobResult(false, json(result), "NOT_APPLIED", true, "the meter did not reach the requested state: " + r.state());
        }
        return JobResult.success(json(result));
    }

    static List<IndexRead> toReads(String meterId, IndexReading reading, IndexRead.Source source) {
        List<IndexRead> out = new ArrayList<>(reading.registers().size());
        for (Register r : reading.registers()) out.add(toRead(meterId, reading.capturedAt(), r, source));
        return out;
    }

    static IndexRead toRead(String meterId, Instant at, Register r, IndexRead.Source source) {
        return new IndexRead(meterId, at, r.obis(), r.value(), r.unit(), source);
    }

    static List<Map<String, Object>> registers(List<Register> regs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Register r : regs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("obis", r.obis());
            m.put("value", r.value());
            m.put("unit", r.unit());
            out.add(m);
        }
        return out;
    }

    /**
     * The job's failure for the queue. A suspected authentication failure is retried once: it is
     * dead-lettered only when the previous attempt ended the same way (a link dropping connections at
     * random would do it once, rarely; wrong keys do it every time).
     */
    static JobResult failure(ClaimedJob job, Throwable e) {
        MeterException m = MeterException.find(e);
        if (m != null && m.kind() == org.openhes.headend.protocol.MeterFailureKind.AUTHENTICATION_SUSPECTED && job != null) {
            boolean again = m.kind().name().equals(job.lastFailureKind());
            return JobResult.failure(m.kind().name(), !again, m.getMessage() + (again ? " (on two attempts in a row)" : "") + storedMeterHint(m));
        }
        if (m != null) return JobResult.failure(m.kind().name(), m.retryable(), m.getMessage() + storedMeterHint(m));
        Throwable c = e.getCause() != null ? e.getCause() : e;
        return JobResult.failure("INTERNAL", true, c.toString());
    }

    /** The hint for an operator of a stored meter (the job, the API, the dead letters): the registry and settings, never CLI flags. */
    private static String storedMeterHint(MeterException m) {
        return ": " + m.kind().hint(org.openhes.headend.protocol.HintContext.STORED_METER);
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
