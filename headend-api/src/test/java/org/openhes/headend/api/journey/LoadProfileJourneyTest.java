package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.contract.ContractHttpClient;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.scheduler.plans.ReadPlanner;
import org.openhes.headend.scheduler.reads.StoredInterval;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * Load profiles end to end over real TCP, PostgreSQL and HTTP, the time moved by a shifted clock shared by
 * the meters and the node: the daily read's session collects the intervals since the last stored one
 * (catch-up bounded by load.profile.catchup.days), the DST days have 92 and 100 intervals, a power
 * failure shows as a gap with its status bits and the consumption flagged, and the API answers in JSON,
 * CSV and as the fleet's NDJSON stream.
 */
class LoadProfileJourneyTest {
    static final ZoneId BXL = ZoneId.of("Europe/Brussels");
    static final String ADMIN = "admin-token-for-the-load-profile-test";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = ContractHttpClient.create();

    /** The system clock moved by an offset the test sets (the worker's polls and leases keep running). */
    static final class ShiftedClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void at(Instant t) {
            offset = Duration.between(Instant.now(), t);
        }

        @Override
        public ZoneId getZone() {
            return BXL;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }

    static Instant midnight(LocalDate d) {
        return d.atStartOfDay(BXL).toInstant();
    }

    @Test
    void intervals_are_collected_in_the_daily_session_stored_once_and_served() throws Exception {
        ShiftedClock clock = new ShiftedClock();
        clock.at(LocalDate.of(2026, 3, 30).atTime(8, 0).atZone(BXL).toInstant());
        try (SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(3).port(0).clock(clock).build());
             HeadendNode node = HeadendNode.start(HeadendConfig.from(FaultyFleetTest.settings(Map.of("admin.token", ADMIN,
                     "load.profile.enabled", "true", "load.profile.catchup.days", "3"))), clock)) {
            port = node.httpPort();
            StringWriter csv = new StringWriter();
            fleet.exportCsv(csv);
            node.services().meters().importCsv(new StringReader(csv.toString()));
            String m0 = fleet.identity(0).ean(), m1 = fleet.identity(1).ean();

            // 30 March 08:00: catch-up from midnight of the 27th; the 29th (summer time starts) has 92 intervals
            readRun(node, clock, LocalDate.of(2026, 3, 30));
            List<StoredInterval> stored = node.services().intervals().forMeter(m0, midnight(LocalDate.of(2026, 3, 20)), clock.instant());
            assertThat(stored).hasSize(96 + 96 + 92 + 32);
            assertThat(stored.get(0).end()).isEqualTo(midnight(LocalDate.of(2026, 3, 27)).plusSeconds(900));
            assertThat(stored.get(stored.size() - 1).end()).isEqualTo(LocalDate.of(2026, 3, 30).atTime(8, 0).atZone(BXL).toInstant());
            for (StoredInterval i : stored) {
                assertThat(i.importWh()).isEqualByComparingTo(BigDecimal.valueOf(fleet.loadIndexesAt(0, i.end())[0]));
                assertThat(i.exportWh()).isEqualByComparingTo(BigDecimal.valueOf(fleet.loadIndexesAt(0, i.end())[1]));
            }
            JsonNode dst = get("/api/v1/meters/" + m0 + "/intervals?from=2026-03-29&to=2026-03-29").get("items");
            assertThat(dst).hasSize(92);
            BigDecimal sum = BigDecimal.ZERO;
            for (JsonNode i : dst) {
                assertThat(i.get("reliable").asBoolean()).as(i.toString()).isTrue();
                sum = sum.add(i.get("importConsumptionWh").decimalValue());
            }
            long[] before = fleet.loadIndexesAt(0, midnight(LocalDate.of(2026, 3, 29))), after = fleet.loadIndexesAt(0, midnight(LocalDate.of(2026, 3, 30)));
            assertThat(sum).as("the day's consumption is the difference of the midnight indexes").isEqualByComparingTo(BigDecimal.valueOf(after[0] - before[0]));

            // a repeat stores nothing twice
            assertThat(node.services().intervals().store(stored)).isZero();

            // the platform's feed: one `intervals` entry per meter for what the read stored (the repeat added none),
            // each interval as /meters/{id}/intervals shows it, the first with its consumption since the one before
            List<JsonNode> feed = feedIntervals(3);
            JsonNode ofM0 = feed.stream().filter(i -> i.get("meterId").asText().equals(m0)).findFirst().orElseThrow();
            assertThat(ofM0.at("/data/from").asText()).isEqualTo(stored.get(0).end().toString());
            assertThat(ofM0.at("/data/to").asText()).isEqualTo(stored.get(stored.size() - 1).end().toString());
            assertThat(ofM0.at("/data/items")).hasSize(stored.size());
            assertThat(ofM0.at("/data/items/5/importWh").decimalValue()).isEqualByComparingTo(stored.get(5).importWh());
            assertThat(ofM0.at("/data/items/5/importConsumptionWh").decimalValue())
                    .isEqualByComparingTo(stored.get(5).importWh().subtract(stored.get(4).importWh()));

            // meter 1 lost power on one of the collected days: a gap, the status on the next interval, flagged
            LocalDate outage = null;
            for (LocalDate d = LocalDate.of(2026, 3, 27); d.isBefore(LocalDate.of(2026, 3, 30)); d = d.plusDays(1)) {
                if (fleet.hasPowerFailure(1, d)) outage = d;
            }
            assertThat(outage).as("the simulator's meter 1 has an outage in the window").isNotNull();
            JsonNode day = get("/api/v1/meters/" + m1 + "/intervals?from=" + outage + "&to=" + outage).get("items");
            assertThat(day.size()).isLessThan(outage.equals(LocalDate.of(2026, 3, 29)) ? 92 : 96);
            List<JsonNode> flagged = new ArrayList<>();
            for (JsonNode i : day) if (!i.get("reliable").asBoolean()) flagged.add(i);
            assertThat(flagged).hasSize(1);
            assertThat(flagged.get(0).get("flags").toString()).contains("gap", "powerDown", "dataNotValid");
            assertThat(flagged.get(0).get("status").asInt() & 0x84).isEqualTo(0x84);

            // CSV, by format= and by Accept
            String csvBody = getText("/api/v1/meters/" + m0 + "/intervals?from=2026-03-29T22:00:00Z&to=2026-03-29T23:00:00Z&format=csv", null);
            assertThat(csvBody.split("\n")).hasSize(5);
            assertThat(csvBody).startsWith("meter_id,interval_end,status,import_wh,export_wh,import_consumption_wh");
            assertThat(csvBody).contains(m0 + ",2026-03-29T22:15:00Z,0,");
            assertThat(getText("/api/v1/meters/" + m0 + "/intervals?from=2026-03-29T22:00:00Z&to=2026-03-29T23:00:00Z", "text/csv")).isEqualTo(csvBody);

            // the next day: only what is new since the last stored interval
            clock.at(LocalDate.of(2026, 3, 31).atTime(8, 0).atZone(BXL).toInstant());
            readRun(node, clock, LocalDate.of(2026, 3, 31));
            assertThat(node.services().intervals().forMeter(m0, midnight(LocalDate.of(2026, 3, 20)), clock.instant())).hasSize(316 + 96);
            JsonNode next = feedIntervals(6).stream().skip(3).filter(i -> i.get("meterId").asText().equals(m0)).findFirst().orElseThrow();
            assertThat(next.at("/data/items")).as("only what the second read stored").hasSize(96);
            assertThat(next.at("/data/items/0/reliable").asBoolean()).as("its base is the first read's last interval").isTrue();

            // October: the catch-up is bounded to 3 days; the 25th (winter time) has 100 intervals
            clock.at(LocalDate.of(2026, 10, 26).atTime(1, 0).atZone(BXL).toInstant());
            readRun(node, clock, LocalDate.of(2026, 10, 26));
            List<StoredInterval> october = node.services().intervals().forMeter(m0, midnight(LocalDate.of(2026, 4, 1)), clock.instant());
            assertThat(october.get(0).end()).isEqualTo(midnight(LocalDate.of(2026, 10, 23)).plusSeconds(900));
            assertThat(october).hasSize(96 + 96 + 100 + 4);
            assertThat(get("/api/v1/meters/" + m0 + "/intervals?from=2026-10-25&to=2026-10-25").get("items")).hasSize(100);

            // the fleet's day as NDJSON: every meter's intervals, each with its consumption
            String ndjson = getText("/api/v1/intervals?date=2026-10-25", null);
            List<JsonNode> lines = new ArrayList<>();
            for (String l : ndjson.split("\n")) lines.add(JSON.readTree(l));
            assertThat(lines.stream().filter(l -> l.get("meterId").asText().equals(m0))).hasSize(100);
            assertThat(lines.stream().map(l -> l.get("meterId").asText()).distinct()).hasSize(3);
            assertThat(lines.get(0).get("importConsumptionWh").isNull()).as("the first interval's base is the previous day's last").isFalse();
            String fleetCsv = getText("/api/v1/intervals?date=2026-10-25&format=csv", null);
            assertThat(fleetCsv.split("\n")).hasSize(1 + lines.size());

            // bad input: a clear 4xx naming what was wrong
            assertThat(problem("/api/v1/meters/" + m0 + "/intervals?from=2026-13-01", 400)).contains("from");
            assertThat(problem("/api/v1/meters/" + m0 + "/intervals?from=2026-03-29&to=2026-03-28", 400)).contains("to must be after from");
            assertThat(problem("/api/v1/meters/" + m0 + "/intervals?from=2026-01-01&to=2026-06-01", 400)).contains("at most 62 days");
            assertThat(problem("/api/v1/meters/" + m0 + "/intervals?from=2026-03-29&format=xml", 400)).contains("format");
            assertThat(problem("/api/v1/meters/541449200000000007/intervals?from=2026-03-29", 404)).isNotEmpty();
            assertThat(problem("/api/v1/intervals", 400)).contains("date");
        }
    }

    /** The feed's `intervals` entries, polled until there are {@code n} (a committed entry becomes readable once older transactions end). */
    private List<JsonNode> feedIntervals(int n) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<JsonNode> items = new ArrayList<>();
        while (System.nanoTime() < until) {
            items.clear();
            get("/api/v1/feed?kinds=intervals&limit=1000").get("items").forEach(items::add);
            if (items.size() >= n) break;
            Thread.sleep(100);
        }
        assertThat(items).hasSize(n);
        return items;
    }

    /** A read run of the 3-meter fleet for {@code date}, waited for; every daily read must succeed. */
    static void readRun(HeadendNode node, Clock clock, LocalDate date) throws Exception {
        ReadPlanner.ReadRun run = node.services().planner().createRun(date, clock.instant(), Duration.ofMillis(100));
        node.services().worker().nudge();
        ReadPlanner.Progress p;
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        do {
            Thread.sleep(100);
            p = node.services().planner().progress(run.id()).orElseThrow();
        } while (p.pending() > 0 && System.nanoTime() < until);
        // a job succeeds once its intervals are written (the writer's future), so they are there now
        assertThat(p.succeeded()).as("daily reads of " + date).isEqualTo(3);
    }

    private static HttpResponse<String> send(String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + ADMIN);
        if (accept != null) b.header("Accept", accept);
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static int port;

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = send(path, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private String getText(String path, String accept) throws Exception {
        HttpResponse<String> r = send(path, accept);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private String problem(String path, int status) throws Exception {
        HttpResponse<String> r = send(path, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return r.body();
    }
}
