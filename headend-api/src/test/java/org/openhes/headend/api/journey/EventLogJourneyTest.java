package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.contract.ContractHttpClient;
import org.openhes.headend.api.journey.LoadProfileJourneyTest.ShiftedClock;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.scheduler.reads.StoredInterval;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * The meters' logs end to end over real TCP, PostgreSQL and HTTP: the daily session reads the standard
 * event log, the disconnector control log and the power failure log from the last stored entry on and
 * the alarm register (stored, then cleared); the entries are events with the meter's time and their
 * code named, each stored once however often the log is read again, in /events and in the feed.
 */
class EventLogJourneyTest {
    static final String ADMIN = "admin-token-for-the-event-log-test";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = ContractHttpClient.create();
    static final int POWER_DOWN = 0x80;
    int port;

    @Test
    void logs_and_alarms_are_collected_in_the_daily_session_stored_once_and_shown_as_events() throws Exception {
        ShiftedClock clock = new ShiftedClock();
        clock.at(LocalDate.of(2026, 3, 30).atTime(8, 0).atZone(LoadProfileJourneyTest.BXL).toInstant());
        try (SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(3).port(0).clock(clock).build());
             HeadendNode node = HeadendNode.start(HeadendConfig.from(FaultyFleetTest.settings(Map.of("admin.token", ADMIN,
                     "load.profile.catchup.days", "3"))), clock)) {
            port = node.httpPort();
            StringWriter csv = new StringWriter();
            fleet.exportCsv(csv);
            node.services().meters().importCsv(new StringReader(csv.toString()));
            String m0 = fleet.identity(0).ean(), m1 = fleet.identity(1).ean();

            // meter 0 raised an alarm it did not push; meter 0 is disconnected and reconnected through the API
            fleet.raiseAlarm(0, 0x04);
            command(m0, "DISCONNECT");
            command(m0, "RECONNECT");
            List<long[]> disconnector = fleet.disconnectorLog(0);
            assertThat(disconnector).isNotEmpty();

            LoadProfileJourneyTest.readRun(node, clock, LocalDate.of(2026, 3, 30));

            // the alarm register: stored as an event, then cleared on the meter
            List<JsonNode> alarms = events(m0, "ALARM_REGISTER");
            assertThat(alarms).hasSize(1);
            assertThat(alarms.get(0).at("/payload/bits").asLong()).isEqualTo(0x04);
            assertThat(alarms.get(0).at("/payload/cleared").asBoolean()).isTrue();
            assertThat(fleet.alarmRegister(0)).isZero();

            // the disconnector control log: what the meter logged, with its own times and codes named
            List<JsonNode> logged = events(m0, "DISCONNECTOR_CONTROL_LOG");
            assertThat(logged).hasSize(disconnector.size());
            for (int k = 0; k < logged.size(); k++) {
                assertThat(Instant.parse(logged.get(k).get("at").asText())).isEqualTo(Instant.ofEpochSecond(disconnector.get(k)[0]));
                assertThat(logged.get(k).at("/payload/code").asLong()).isEqualTo(disconnector.get(k)[1]);
            }
            assertThat(logged.get(0).at("/payload/event").asText()).isEqualTo("REMOTE_DISCONNECTION");
            assertThat(logged.get(1).at("/payload/event").asText()).isIn("REMOTE_CONNECTION", "READY_FOR_MANUAL_RECONNECTION");

            // meter 1 lost power on one of the collected days: its standard log says when, its power failure
            // log how long, and both agree with the load profile's gap (power up 15 minutes before the
            // first interval after the gap ends)
            List<StoredInterval> intervals = node.services().intervals().forMeter(m1,
                    LoadProfileJourneyTest.midnight(LocalDate.of(2026, 3, 27)), clock.instant());
            List<Instant> powerUps = new ArrayList<>();
            for (StoredInterval i : intervals) if ((i.status() & POWER_DOWN) != 0) powerUps.add(i.end().minusSeconds(900));
            assertThat(powerUps).as("meter 1 has an outage in the window (as the load profile journey finds)").isNotEmpty();
            List<JsonNode> standard = events(m1, "STANDARD_EVENT_LOG");
            List<JsonNode> failures = events(m1, "POWER_FAILURE_LOG");
            for (Instant up : powerUps) {
                JsonNode failure = failures.stream().filter(f -> Instant.parse(f.get("at").asText()).equals(up)).findFirst().orElseThrow();
                long seconds = failure.at("/payload/durationSeconds").asLong();
                assertThat(seconds).isPositive();
                assertThat(standard).anyMatch(e -> e.at("/payload/event").asText().equals("POWER_UP") && Instant.parse(e.get("at").asText()).equals(up));
                assertThat(standard).anyMatch(e -> e.at("/payload/event").asText().equals("POWER_DOWN")
                        && Instant.parse(e.get("at").asText()).equals(up.minusSeconds(seconds)));
            }
            assertThat(events(fleet.identity(2).ean(), "STANDARD_EVENT_LOG")).as("meter 2 never loses power").isEmpty();

            // the next day: the logs are read again from their last stored entry (included), nothing twice
            clock.at(LocalDate.of(2026, 3, 31).atTime(8, 0).atZone(LoadProfileJourneyTest.BXL).toInstant());
            LoadProfileJourneyTest.readRun(node, clock, LocalDate.of(2026, 3, 31));
            List<JsonNode> again = events(m1, "STANDARD_EVENT_LOG");
            Set<String> distinct = new HashSet<>();
            for (JsonNode e : again) distinct.add(e.get("at").asText() + "|" + e.at("/payload/code").asLong());
            assertThat(distinct).as("each entry once").hasSize(again.size());
            assertThat(events(m0, "DISCONNECTOR_CONTROL_LOG")).hasSize(disconnector.size());
            assertThat(events(m0, "ALARM_REGISTER")).as("a cleared register is not reported again").hasSize(1);

            // paged one at a time through `next`: the same events as in one page, none skipped where times repeat
            Instant same = clock.instant().minusSeconds(60);
            for (int k = 0; k < 3; k++) node.services().events().record(fleet.identity(2).ean(), "CLOCK_DRIFT", same, "{\"driftSeconds\":" + k + "}");
            List<String> all = new ArrayList<>(), paged = new ArrayList<>();
            JSON.readTree(send("GET", "/api/v1/events?limit=1000", null).body()).get("items").forEach(e -> all.add(e.get("id").asText()));
            String next = null;
            do {
                JsonNode page = JSON.readTree(send("GET", "/api/v1/events?limit=1" + (next == null ? "" : "&after=" + next), null).body());
                page.get("items").forEach(e -> paged.add(e.get("id").asText()));
                next = page.get("next").isNull() ? null : page.get("next").asText();
            } while (next != null);
            assertThat(paged).isEqualTo(all);
            assertThat(send("GET", "/api/v1/events?after=yesterday", null).statusCode()).isEqualTo(400);

            // in the platform's feed as events
            long fromLogs = feedEvents().stream().filter(i -> i.at("/data/type").asText().endsWith("_LOG")).count();
            assertThat(fromLogs).isEqualTo(again.size() + events(m1, "POWER_FAILURE_LOG").size() + events(m0, "DISCONNECTOR_CONTROL_LOG").size()
                    + events(m0, "STANDARD_EVENT_LOG").size() + events(m0, "POWER_FAILURE_LOG").size());
        }
    }

    private void command(String meter, String type) throws Exception {
        HttpResponse<String> accepted = send("POST", "/api/v1/meters/" + meter + "/commands", "{\"type\":\"" + type + "\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode c;
        do {
            Thread.sleep(100);
            c = JSON.readTree(send("GET", location, null).body());
        } while ((c.get("status").asText().equals("QUEUED") || c.get("status").asText().equals("RUNNING")) && System.nanoTime() < until);
        assertThat(c.get("status").asText()).as(c.toString()).isEqualTo("SUCCEEDED");
    }

    /** The meter's events of one type, oldest first. */
    private List<JsonNode> events(String meter, String type) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        HttpResponse<String> r = send("GET", "/api/v1/events?meter=" + meter + "&limit=1000", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (JsonNode e : JSON.readTree(r.body()).get("items")) if (e.get("type").asText().equals(type)) out.add(e);
        return out;
    }

    /** The feed's event entries, once every write before the call is readable. */
    private List<JsonNode> feedEvents() throws Exception {
        List<JsonNode> items = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int last = -1;
        while (System.nanoTime() < until) {
            items.clear();
            JSON.readTree(send("GET", "/api/v1/feed?kinds=event&limit=1000", null).body()).get("items").forEach(items::add);
            if (items.size() == last) break;
            last = items.size();
            Thread.sleep(500);
        }
        return items;
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ADMIN).header("Idempotency-Key", UUID.randomUUID().toString());
        if (body != null) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
