package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.io.StringWriter;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.scheduler.commands.CommandStore;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * Orders join the meter's session: a balance display waits for the meter's daily read and runs in it;
 * a reconnection for a meter whose daily read is running goes into that association between its
 * requests. One session per meter for both, over real TCP and PostgreSQL.
 */
class SharedSessionTest {
    static final ZoneId BXL = ZoneId.of("Europe/Brussels");

    static void until(Duration limit, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + limit.toSeconds() + " s: " + what);
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    static String state(HeadendNode node, String sql) {
        try (var c = node.services().db().dataSource().getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static CommandStore.Command submit(HeadendNode node, String meter, String type, String params, Instant deadline) {
        return node.services().commands().submit(new CommandStore.NewCommand(meter, type, params, "test", UUID.randomUUID().toString(),
                deadline, null)).command();
    }

    @Test
    void a_balance_display_and_a_reconnection_share_the_daily_reads_sessions() throws Exception {
        try (SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(2).port(0).manualReconnectShare(0)
                .latency(Duration.ofMillis(700), Duration.ZERO).build());
             HeadendNode node = HeadendNode.start(HeadendConfig.from(FaultyFleetTest.settings(Map.of())), Clock.systemUTC())) {
            StringWriter csv = new StringWriter();
            fleet.exportCsv(csv);
            node.services().meters().importCsv(new StringReader(csv.toString()));
            String balanceMeter = fleet.identity(0).ean(), breakerMeter = fleet.identity(1).ean();

            // meter 1 disconnected beforehand, in a session of its own
            var off = submit(node, breakerMeter, "DISCONNECT", "{\"type\":\"DISCONNECT\"}", null);
            node.services().worker().nudge();
            until(Duration.ofSeconds(30), "the disconnection", () -> "SUCCEEDED".equals(state(node, "SELECT status FROM commands WHERE id = '" + off.id() + "'")));
            int sessions0 = fleet.state(0).sessions(), sessions1 = fleet.state(1).sessions();

            // a balance display with a day to go waits for the meter's next session
            var display = submit(node, balanceMeter, "DISPLAY_BALANCE", "{\"type\":\"DISPLAY_BALANCE\",\"amount\":\"3.40\",\"currency\":\"EUR\"}",
                    Instant.now().plus(Duration.ofHours(20)));
            node.services().worker().nudge();
            LockSupport.parkNanos(Duration.ofMillis(800).toNanos());
            assertThat(state(node, "SELECT status FROM commands WHERE id = '" + display.id() + "'")).as("it waits").isEqualTo("QUEUED");
            assertThat(fleet.state(0).sessions()).isEqualTo(sessions0);

            node.services().planner().createRun(LocalDate.now(BXL), Instant.now(), Duration.ofMillis(1));
            node.services().worker().nudge();
            // as soon as meter 1's daily read is in its session, the top-up arrives
            until(Duration.ofSeconds(30), "meter 1's daily read runs", () -> "RUNNING".equals(
                    state(node, "SELECT state FROM jobs WHERE type = 'DAILY_READ' AND meter_id = '" + breakerMeter + "'")));
            var on = submit(node, breakerMeter, "RECONNECT", "{\"type\":\"RECONNECT\"}", null);
            node.services().worker().nudge();

            until(Duration.ofSeconds(60), "both daily reads and both commands end", () ->
                    "0".equals(state(node, "SELECT count(*) FROM jobs WHERE state IN ('QUEUED', 'RUNNING')")));
            assertThat(state(node, "SELECT status FROM commands WHERE id = '" + display.id() + "'")).isEqualTo("SUCCEEDED");
            assertThat(state(node, "SELECT status FROM commands WHERE id = '" + on.id() + "'")).isEqualTo("SUCCEEDED");
            assertThat(fleet.state(0).message()).isEqualTo("SOLDE 3.40 EUR");
            assertThat(fleet.state(1).outputState()).isTrue();
            assertThat(fleet.state(0).sessions() - sessions0).as("daily read and balance display: one session").isEqualTo(1);
            assertThat(fleet.state(1).sessions() - sessions1).as("daily read and reconnection: one session").isEqualTo(1);
            // the reconnection did not wait for the end of the read
            assertThat(state(node, "SELECT (SELECT finished_at FROM jobs WHERE command_id = '" + on.id() + "') < "
                    + "(SELECT finished_at FROM jobs WHERE type = 'DAILY_READ' AND meter_id = '" + breakerMeter + "')")).isEqualTo("t");
            assertThat(state(node, "SELECT count(*) FROM daily_reads WHERE meter_id = '" + balanceMeter + "' AND source = 'DAILY_PROFILE'"))
                    .as("the read itself was stored").isNotEqualTo("0");
        }
    }
}
