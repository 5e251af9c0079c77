package org.openhes.headend.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openhes.headend.protocol.model.LoadInterval;
import org.openhes.headend.protocol.transport.WireTrace;
import org.openhes.headend.simulator.SimTransport;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/** The simulator's 15-minute load profile read over real TCP, by range and by entry, against the simulator's truth. */
class LoadProfileTcpTest {
    static final ZoneId BRUSSELS = SimulatorFixture.BRUSSELS;

    static SimulatorFixture fleet(String variants, Instant now) throws Exception {
        return new SimulatorFixture(SimulatedFleet.start(SimulatorConfig.builder().meters(6).port(0).transport(SimTransport.WRAPPER)
                .variants(variants).wrongKeyMeters(0).manualReconnectShare(0)
                .clock(Clock.fixed(now, BRUSSELS)).build()), SimulatorFixture.fast(), 1);
    }

    static <T> T await(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return MeterSessionTcpTest.await(f);
    }

    private static Instant midnight(LocalDate d) {
        return d.atStartOfDay(BRUSSELS).toInstant();
    }

    /** A meter without outages (index not 1 modulo 3) over one day: 96 intervals, each the simulator's A+ and A-. */
    @Test
    void a_day_read_by_range_has_96_intervals_with_the_meters_indexes() throws Exception {
        LocalDate day = LocalDate.of(2026, 11, 18);
        try (SimulatorFixture f = fleet("", midnight(day.plusDays(2)))) {
            var read = await(f.client.withSession(f.hls(0), "load", new MeterClient.Options(true, false),
                    s -> s.loadProfile().intervals(midnight(day).plusSeconds(900), midnight(day.plusDays(1)))));
            List<LoadInterval> rows = read.value();
            assertThat(rows).hasSize(96);
            assertThat(read.trace()).extracting(WireTrace.Entry::step).contains("GET 1-0:99.1.0.255/2 by range");
            for (LoadInterval i : rows) {
                long[] truth = f.fleet.loadIndexesAt(0, i.end());
                assertThat(i.status()).isZero();
                assertThat(i.importIndex().value()).isEqualByComparingTo(BigDecimal.valueOf(truth[0]));
                assertThat(i.exportIndex().value()).isEqualByComparingTo(BigDecimal.valueOf(truth[1]));
                assertThat(i.importIndex().unit()).isEqualTo("Wh");
            }
            // the midnight interval agrees with the daily profile: A+ = import day + night, A- = export day + night
            long[] daily = f.fleet.indexesAt(0, midnight(day.plusDays(1)));
            assertThat(rows.get(95).importIndex().value()).isEqualByComparingTo(BigDecimal.valueOf(daily[0] + daily[1]));
            assertThat(rows.get(95).exportIndex().value()).isEqualByComparingTo(BigDecimal.valueOf(daily[2] + daily[3]));
            // an evening peak: 18:00-21:00 uses more than 02:00-05:00; meter 0 has solar panels: export at midday
            assertThat(energy(rows, 72, 84)).isGreaterThan(energy(rows, 8, 20).multiply(BigDecimal.valueOf(2)));
            assertThat(rows.get(52).exportIndex().value().subtract(rows.get(44).exportIndex().value()))
                    .isGreaterThan(rows.get(8).exportIndex().value().subtract(rows.get(0).exportIndex().value()).multiply(BigDecimal.TEN));
        }
    }

    private static BigDecimal energy(List<LoadInterval> rows, int from, int to) {
        return rows.get(to).importIndex().value().subtract(rows.get(from).importIndex().value());
    }

    @Test
    void a_meter_offering_only_entries_is_read_by_entry_after_one_refused_range() throws Exception {
        LocalDate day = LocalDate.of(2026, 11, 18);
        Instant now = midnight(day.plusDays(1)).plusSeconds(3 * 3600 + 120);
        try (SimulatorFixture f = fleet("profile-by-entry-only", now)) {
            var read = await(f.client.withSession(f.hls(0), "load", new MeterClient.Options(true, false),
                    s -> s.loadProfile().intervals(midnight(day).plusSeconds(900), now)));
            assertThat(read.trace()).extracting(WireTrace.Entry::step)
                    .contains("GET 1-0:99.1.0.255/2 by range", "GET 1-0:99.1.0.255/2 by entry");
            assertThat(read.value()).hasSize(96 + 12);
            assertThat(read.value().get(0).end()).isEqualTo(midnight(day).plusSeconds(900));
            assertThat(read.value().get(107).end()).isEqualTo(midnight(day.plusDays(1)).plusSeconds(3 * 3600));
            for (LoadInterval i : read.value()) {
                assertThat(i.importIndex().value()).isEqualByComparingTo(BigDecimal.valueOf(f.fleet.loadIndexesAt(0, i.end())[0]));
            }
            var later = await(f.client.withSession(f.hls(0), "load", new MeterClient.Options(true, false),
                    s -> s.loadProfile().intervals(now.minus(Duration.ofHours(1)), now)));
            assertThat(later.value()).hasSize(4);
            assertThat(later.trace()).extracting(WireTrace.Entry::step).doesNotContain("GET 1-0:99.1.0.255/2 by range");
        }
    }

    /** Meter 1 (index 1 modulo 3) loses power on some days: the intervals are missing, the next one says why. */
    @Test
    void a_power_failure_leaves_a_gap_and_the_next_interval_carries_power_down() throws Exception {
        LocalDate day = LocalDate.of(2026, 11, 10);
        while (!SimulatedFleetProbe.hasOutage(day)) day = day.plusDays(1);
        LocalDate outageDay = day;
        try (SimulatorFixture f = fleet("", midnight(outageDay.plusDays(1)).plusSeconds(60))) {
            List<LoadInterval> rows = await(f.client.withSession(f.hls(1), "load",
                    s -> s.loadProfile().intervals(midnight(outageDay).plusSeconds(900), midnight(outageDay.plusDays(1)))));
            assertThat(rows.size()).isLessThan(96).isGreaterThanOrEqualTo(90);
            int gaps = 0;
            for (int k = 1; k < rows.size(); k++) {
                if (Duration.between(rows.get(k - 1).end(), rows.get(k).end()).toSeconds() > 900) {
                    gaps++;
                    assertThat(rows.get(k).status() & LoadInterval.POWER_DOWN).isNotZero();
                    assertThat(rows.get(k).status() & LoadInterval.DATA_NOT_VALID).isNotZero();
                } else {
                    assertThat(rows.get(k).status()).isZero();
                }
            }
            assertThat(gaps).isEqualTo(1);
        }
    }

    /** DST days in Europe/Brussels: 92 intervals on the last Sunday of March, 100 on the last Sunday of October. */
    @Test
    void dst_days_have_92_and_100_intervals() throws Exception {
        for (LocalDate day : List.of(LocalDate.of(2026, 3, 29), LocalDate.of(2026, 10, 25))) {
            try (SimulatorFixture f = fleet("", midnight(day.plusDays(1)).plusSeconds(60))) {
                List<LoadInterval> rows = await(f.client.withSession(f.hls(0), "load",
                        s -> s.loadProfile().intervals(midnight(day).plusSeconds(900), midnight(day.plusDays(1)))));
                assertThat(rows).hasSize(day.getMonthValue() == 3 ? 92 : 100);
                for (int k = 1; k < rows.size(); k++) {
                    assertThat(rows.get(k).importIndex().value()).isGreaterThan(rows.get(k - 1).importIndex().value());
                }
            }
        }
    }

    /** Which days meter 1 has an outage, from the simulator itself. */
    static final class SimulatedFleetProbe {
        static boolean hasOutage(LocalDate day) throws Exception {
            try (SimulatedFleet fleet = SimulatedFleet.start(SimulatorConfig.builder().meters(2).port(0).build())) {
                return fleet.hasPowerFailure(1, day);
            }
        }
    }
}
