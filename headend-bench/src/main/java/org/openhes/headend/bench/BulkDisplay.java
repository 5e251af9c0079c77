package org.openhes.headend.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.config.Settings;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.scheduler.commands.CommandStore;

/**
 * {@code bulk-display}: the platform's daily balance display for {@code --meters} meters (100,000 by
 * the issue) in one POST /commands/bulk, each line with its own key and a deadline of tomorrow evening
 * so that it joins the meter's next session. Measured: the seconds from the first byte sent to the
 * report received, the same order sent again (a platform retrying after a timeout: every line a
 * repeat), and, as the bound in the same run, the same number of commands stored by
 * {@code CommandStore.submitAll} directly (no HTTP, no JSON, no meter look-up, no guard).
 * No meter is contacted: the meters are registry rows.
 */
final class BulkDisplay implements Scenario {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "bench-bulk-admin-token-0123456789abcdef";

    @Override
    public void run(BenchParameters p, Map<String, Object> out) throws Exception {
        Path data = TempDirs.create();
        Settings s = Settings.load(Optional.empty(), System.getenv()).with("http.port", "0").with("http.host", "127.0.0.1")
                .with("data.dir", data.toString()).with("read.plan.enabled", "false").with("admin.token", TOKEN)
                .with("push.port", "-1");
        int meters = p.meters();
        int warm = Math.min(5_000, meters);
        try (HeadendNode node = HeadendNode.start(HeadendConfig.from(s), Clock.systemUTC())) {
            node.services().worker().stop(Duration.ofSeconds(5)); // acceptance alone: nothing is sent to a meter
            try (Connection c = node.services().db().dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO meters (id, serial, host, port, transport, client_sap, server_sap, auth, labels) "
                        + "SELECT lpad(g::text, 18, '0'), 'S' || g, '127.0.0.1', 4059, 'wrapper', 1, 1, 'none', '{}'::jsonb "
                        + "FROM generate_series(1, " + (2 * meters + warm) + ") g");
            }
            Instant deadline = LocalDate.now(Rig.ZONE).plusDays(1).atTime(20, 0).atZone(Rig.ZONE).toInstant();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            URI uri = URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/commands/bulk");
            post(http, uri, order(2 * meters, warm, "warm", deadline)); // warm-up, not measured
            String order = order(0, meters, "day", deadline);
            long t0 = System.nanoTime();
            JsonNode report = post(http, uri, order);
            double secs = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            JsonNode repeat = post(http, uri, order);
            double repeatSecs = (System.nanoTime() - t0) / 1e9;
            double directSecs = direct(node, meters, deadline);
            long stored = countCommands(node);
            System.err.printf("bulk: %d lines in %.1f s over HTTP, again in %.1f s (repeats); %d stored directly in %.1f s%n",
                    meters, secs, repeatSecs, meters, directSecs);
            out.put("sessionsPerSecond", Stats.round(meters / secs)); // lines accepted per second
            out.put("ratio", Stats.round3(directSecs / secs)); // the store's own time ÷ the request's
            out.put("seconds", Stats.round(secs));
            out.put("repeatSeconds", Stats.round(repeatSecs));
            out.put("directStoreSeconds", Stats.round(directSecs));
            out.put("bodyBytes", order.length());
            out.put("accepted", report.path("accepted").asLong());
            out.put("refused", report.path("refused").asLong());
            out.put("repeatedOnSecondSend", repeat.path("repeated").asLong());
            out.put("commandsStored", stored);
            out.put("lost", meters - report.path("accepted").asLong());
            out.put("meters", meters);
        } finally {
            TempDirs.delete(data);
        }
    }

    private static String order(int firstMeter, int count, String keyPrefix, Instant deadline) {
        StringBuilder b = new StringBuilder(count * 160);
        for (int i = firstMeter; i < firstMeter + count; i++) {
            b.append("{\"meterId\":\"").append(String.format("%018d", i + 1)).append("\",\"type\":\"DISPLAY_BALANCE\",\"amount\":\"")
                    .append(i % 100).append('.').append(String.format("%02d", i % 97)).append("\",\"idempotencyKey\":\"")
                    .append(keyPrefix).append('-').append(i).append("\",\"deadline\":\"").append(deadline).append("\"}\n");
        }
        return b.toString();
    }

    private static JsonNode post(HttpClient http, URI uri, String body) throws Exception {
        var resp = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/x-ndjson").timeout(Duration.ofMinutes(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) throw new IllegalStateException("bulk order answered " + resp.statusCode() + ": " + resp.body());
        return JSON.readTree(resp.body());
    }

    /** The same number of displays, for the other half of the registry, through the store alone. Returns seconds. */
    private static double direct(HeadendNode node, int meters, Instant deadline) {
        List<CommandStore.NewCommand> lines = new ArrayList<>(meters);
        for (int i = meters; i < 2 * meters; i++) {
            String params = "{\"type\":\"DISPLAY_BALANCE\",\"amount\":\"" + (i % 100) + "." + String.format("%02d", i % 97) + "\"}";
            lines.add(new CommandStore.NewCommand(String.format("%018d", i + 1), "DISPLAY_BALANCE", params, "bench", "direct-" + i,
                    deadline, null));
        }
        long t0 = System.nanoTime();
        node.services().commands().submitAll(lines);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static long countCommands(HeadendNode node) throws Exception {
        try (Connection c = node.services().db().dataSource().getConnection(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM commands")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
