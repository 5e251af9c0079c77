package org.openhes.headend.api.journey;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openhes.headend.api.config.HeadendConfig;
import org.openhes.headend.api.node.HeadendNode;
import org.openhes.headend.scheduler.events.EventStore;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/** A meter whose clock is 10 minutes ahead is reported during its daily read and set right by a job. */
class ClockDriftTest {
    @Test
    void aDriftingClockIsReportedAndSynchronised() throws Exception {
        try (SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(3).port(0).build());
             HeadendNode node = HeadendNode.start(HeadendConfig.from(FaultyFleetTest.settings(Map.of())), Clock.systemUTC())) {
            fleet.state(1).shiftClock(Duration.ofMinutes(10).toMillis());
            StringWriter csv = new StringWriter();
            fleet.exportCsv(csv);
            node.services().meters().importCsv(new StringReader(csv.toString()));
            node.services().planner().createRun(LocalDate.now(ZoneId.of("Europe/Brussels")), Instant.now(), Duration.ofSeconds(1));
            node.services().worker().nudge();
            String drifting = fleet.identity(1).ean();
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (Math.abs(fleet.state(1).clockOffsetMillis()) > 5_000 && System.nanoTime() < until) Thread.sleep(100);
            assertThat(Math.abs(fleet.state(1).clockOffsetMillis())).as("the meter's clock was set").isLessThan(5_000);
            // the meters' own logs are events too (meter 1 loses power on some days): the drift events only
            var events = node.services().events().list(null, Instant.EPOCH, 1000).stream().filter(e -> e.type().equals("CLOCK_DRIFT")).toList();
            assertThat(events).extracting(EventStore.Event::meterId).containsExactly(drifting);
            long drift = new com.fasterxml.jackson.databind.ObjectMapper().readTree(events.get(0).payloadJson()).get("driftSeconds").asLong();
            assertThat(drift).as("seconds the meter was ahead").isBetween(590L, 610L);
            assertThat(fleet.state(0).clockOffsetMillis()).as("the other meters are left alone").isZero();
        }
    }
}
