package org.openhes.headend.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openhes.headend.protocol.model.CommandOutcome;
import org.openhes.headend.protocol.model.CommandResult;
import org.openhes.headend.protocol.transport.WireTrace;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/** Work that joins a meter's open session instead of opening one of its own, over real TCP. */
class JoinedSessionTcpTest {
    static final LocalDate TODAY = SimulatorFixture.NOW.atZone(SimulatorFixture.BRUSSELS).toLocalDate();

    static SimulatorFixture fleet(Duration latency) throws Exception {
        return new SimulatorFixture(SimulatedFleet.start(SimulatorConfig.builder().meters(2).port(0).latency(latency, Duration.ZERO)
                .manualReconnectShare(0).clock(Clock.fixed(SimulatorFixture.NOW, SimulatorFixture.BRUSSELS)).build()),
                new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(60)), 1);
    }

    @Test
    void a_balance_display_joining_a_daily_read_runs_after_it_in_the_same_association() throws Exception {
        try (SimulatorFixture f = fleet(Duration.ofMillis(50))) {
            int before = f.fleet.state(0).sessions();
            var read = f.client.withSession(f.hls(0), "daily-read", new MeterClient.Options(true, false),
                    s -> s.reads().daily(TODAY.minusDays(3), TODAY, SimulatorFixture.BRUSSELS));
            CompletableFuture<CommandResult> shown = f.client.join(f.hls(0).meterId(), "display-balance", false,
                    s -> s.commands().displayBalance(new BigDecimal("8.00"), "EUR"));
            var outcome = read.get(30, TimeUnit.SECONDS);
            assertThat(shown.get(1, TimeUnit.SECONDS).outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
            assertThat(outcome.value().rows()).hasSize(4);
            assertThat(f.fleet.state(0).sessions() - before).as("one association for both").isEqualTo(1);
            List<String> steps = outcome.trace().stream().filter(e -> e.direction().equals("TX")).map(WireTrace.Entry::step).toList();
            int rows = steps.indexOf("GET 1-0:99.2.0.255/2 by range"), set = steps.indexOf("SET 0-0:96.13.1.255/2"), release = steps.indexOf("release");
            assertThat(rows).isLessThan(set);
            assertThat(set).isLessThan(release);
        }
    }

    @Test
    void an_urgent_reconnection_runs_between_the_requests_of_a_running_read() throws Exception {
        try (SimulatorFixture f = fleet(Duration.ofMillis(300))) {
            await(f.client.withSession(f.hls(1), "disconnect", s -> s.commands().disconnect()));
            var read = f.client.withSession(f.hls(1), "daily-read", new MeterClient.Options(true, false),
                    s -> s.reads().daily(TODAY.minusDays(3), TODAY, SimulatorFixture.BRUSSELS));
            // join once the session is associated (AARQ and pass 3 take two round trips of 300 ms)
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!f.client.inSession(f.hls(1).meterId()) && System.nanoTime() < until) Thread.onSpinWait();
            CompletableFuture<CommandResult> on = f.client.join(f.hls(1).meterId(), "reconnect", true, s -> s.commands().reconnect());
            CommandResult r = on.get(30, TimeUnit.SECONDS);
            assertThat(read.isDone()).as("the reconnection did not wait for the end of the read").isFalse();
            assertThat(r.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
            var outcome = read.get(30, TimeUnit.SECONDS);
            assertThat(outcome.value().rows()).hasSize(4);
            List<String> steps = outcome.trace().stream().filter(e -> e.direction().equals("TX")).map(WireTrace.Entry::step).toList();
            int action = steps.indexOf("ACTION 0-0:96.3.10.255/2"), rows = steps.indexOf("GET 1-0:99.2.0.255/2 by range");
            assertThat(action).as(steps.toString()).isPositive().isLessThan(rows);
            assertThat(f.fleet.state(1).outputState()).isTrue();
        }
    }

    @Test
    void work_offered_to_a_meter_without_a_session_is_handed_back() throws Exception {
        try (SimulatorFixture f = fleet(Duration.ZERO)) {
            CompletableFuture<CommandResult> r = f.client.join(f.hls(0).meterId(), "reconnect", true, s -> s.commands().reconnect());
            assertThatThrownBy(() -> r.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(MeterClient.NotJoined.class);
            await(f.client.withSession(f.hls(0), "read", s -> s.reads().indexes()));
            assertThat(f.client.inSession(f.hls(0).meterId())).isFalse();
        }
    }

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return MeterSessionTcpTest.await(f);
    }
}
