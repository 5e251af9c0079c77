package org.openhes.headend.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gurux.dlms.enums.ObjectType;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openhes.headend.protocol.HintContext;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.model.CommandOutcome;
import org.openhes.headend.protocol.model.CommandResult;
import org.openhes.headend.protocol.model.IndexReading;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.model.MeterSecurity;
import org.openhes.headend.protocol.model.MeterTarget;
import org.openhes.headend.protocol.transport.WireTrace;
import org.openhes.headend.simulator.MeterIdentity;
import org.openhes.headend.simulator.SimTransport;
import org.openhes.headend.simulator.SimulatedFleet;
import org.openhes.headend.simulator.SimulatorConfig;

/**
 * The head-end against each meter variant the simulator plays (the quirks of real meters from several
 * makers), over real TCP: every operation of a meter session works and reads the meter's true values,
 * and the variants that change failures fail the way the vocabulary says.
 */
class MeterVariantsTcpTest {
    static final LocalDate TODAY = SimulatorFixture.NOW.atZone(SimulatorFixture.BRUSSELS).toLocalDate();

    static SimulatorFixture fleet(String variants, SimTransport transport) throws Exception {
        return new SimulatorFixture(SimulatedFleet.start(SimulatorConfig.builder().meters(3).port(0).transport(transport)
                .variants(variants).wrongKeyMeters(1).manualReconnectShare(0)
                .clock(Clock.fixed(SimulatorFixture.NOW, SimulatorFixture.BRUSSELS)).build()), SimulatorFixture.fast(), 1);
    }

    static <T> T await(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return MeterSessionTcpTest.await(f);
    }

    /** The Wh a meter counting at 10^scaler Wh shows for {@code wh}. */
    static BigDecimal atResolution(long wh, int scaler) {
        if (scaler <= 0) return BigDecimal.valueOf(wh);
        long step = (long) Math.pow(10, scaler);
        return BigDecimal.valueOf(wh / step * step);
    }

    /** Reads, commands and the object list of meter 0, checked against the simulator's truth. */
    static void everyOperationWorks(SimulatorFixture f, int scaler) throws Exception {
        MeterTarget t = f.hls(0);
        IndexReading now = await(f.client.withSession(t, "read", s -> s.reads().indexes()));
        long[] truth = f.fleet.indexesAt(0, SimulatorFixture.NOW);
        for (int r = 0; r < 4; r++) {
            assertThat(now.registers().get(r).value()).as("register " + r).isEqualByComparingTo(atResolution(truth[r], scaler));
            assertThat(now.registers().get(r).unit()).isEqualTo("Wh");
        }
        MeterReads.DailyRead daily = await(f.client.withSession(t, "daily", s -> s.reads().daily(TODAY.minusDays(2), TODAY, SimulatorFixture.BRUSSELS)));
        assertThat(daily.rows()).hasSize(3);
        for (int k = 0; k < 3; k++) {
            Instant midnight = TODAY.minusDays(2 - k).atStartOfDay(SimulatorFixture.BRUSSELS).toInstant();
            IndexReading row = daily.rows().get(k);
            assertThat(row.capturedAt()).isEqualTo(midnight);
            long[] at = f.fleet.indexesAt(0, midnight);
            Map<String, BigDecimal> byObis = new java.util.HashMap<>();
            row.registers().forEach(reg -> byObis.put(reg.obis(), reg.value()));
            for (int r = 0; r < 4; r++) {
                assertThat(byObis.get(MeterProfile.emucs().indexRegisters().get(r))).as("row " + k + " register " + r)
                        .isEqualByComparingTo(atResolution(at[r], scaler));
            }
        }
        assertThat(daily.gasAndClock()).isNotNull();
        assertThat(daily.gasAndClock().meterClock()).isEqualTo(SimulatorFixture.NOW);
        CommandResult off = await(f.client.withSession(t, "disconnect", s -> s.commands().disconnect()));
        assertThat(off.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
        CommandResult on = await(f.client.withSession(t, "reconnect", s -> s.commands().reconnect()));
        assertThat(on.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
        CommandResult limit = await(f.client.withSession(t, "limit", s -> s.commands().setPowerLimit(2300)));
        assertThat(limit.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
        assertThat(f.fleet.state(0).thresholdNormalWatts()).isEqualTo(2300);
        assertThat(await(f.client.withSession(t, "unlimit", s -> s.commands().clearPowerLimit())).outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
        CommandResult shown = await(f.client.withSession(t, "display", s -> s.commands().displayBalance(new BigDecimal("7.50"), "EUR")));
        assertThat(shown.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
        assertThat(f.fleet.state(0).message()).isEqualTo("SOLDE 7.50 EUR");
        List<MeterObject> objects = await(f.client.withSession(t, "inspect", s -> s.inspection().objectList()));
        assertThat(ProfileMatch.of(MeterProfile.emucs(), objects).problems()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"aare-no-auth-required", "aare-reject-without-user-information", "no-get-with-list", "small-pdu=256",
            "capture-order", "long64", "hangup-on-auth-failure", "ciphered-exceptions", "small-pdu=256,no-get-with-list,capture-order"})
    void every_operation_works_against_the_variant(String variants) throws Exception {
        try (SimulatorFixture f = fleet(variants, SimTransport.WRAPPER)) {
            everyOperationWorks(f, 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scaler=1", "scaler=3", "scaler=-3,long64"})
    void registers_are_stored_in_wh_whatever_the_scaler(String variants) throws Exception {
        int scaler = Integer.parseInt(variants.replaceAll("scaler=(-?\\d).*", "$1"));
        try (SimulatorFixture f = fleet(variants, SimTransport.WRAPPER)) {
            everyOperationWorks(f, scaler);
        }
    }

    @Test
    void hdlc_with_a_small_information_field_and_window_one() throws Exception {
        try (SimulatorFixture f = fleet("hdlc-small-window", SimTransport.HDLC)) {
            everyOperationWorks(f, 0);
        }
    }

    @Test
    void a_profile_offered_only_by_entry_is_read_by_entry_after_one_refused_range_read() throws Exception {
        try (SimulatorFixture f = fleet("profile-by-entry-only", SimTransport.WRAPPER)) {
            var first = await(f.client.withSession(f.hls(0), "daily", new MeterClient.Options(true, false),
                    s -> s.reads().daily(TODAY.minusDays(2), TODAY, SimulatorFixture.BRUSSELS)));
            assertThat(first.trace()).extracting(WireTrace.Entry::step).contains("GET 1-0:99.2.0.255/2 by range", "GET 1-0:99.2.0.255/2 by entry");
            everyOperationWorks(f, 0);
            var later = await(f.client.withSession(f.hls(0), "daily", new MeterClient.Options(true, false),
                    s -> s.reads().dailyIndexes(TODAY.minusDays(5), TODAY.minusDays(3), SimulatorFixture.BRUSSELS)));
            assertThat(later.value()).hasSize(3);
            assertThat(later.trace()).extracting(WireTrace.Entry::step).doesNotContain("GET 1-0:99.2.0.255/2 by range");
        }
    }

    @Test
    void a_profile_that_says_entry_is_read_by_entry_at_once() throws Exception {
        MeterProfile entry = org.openhes.headend.protocol.model.MeterProfiles.parse("test", "name = by-entry\nbase = emucs\ndaily.profile.access = entry\n");
        try (SimulatorFixture f = fleet("profile-by-entry-only", SimTransport.WRAPPER)) {
            MeterTarget t = f.hls(1);
            MeterTarget byEntry = new MeterTarget(t.meterId(), t.endpoint(), t.security(), entry);
            var read = await(f.client.withSession(byEntry, "daily", new MeterClient.Options(true, false),
                    s -> s.reads().daily(TODAY.minusDays(1), TODAY, SimulatorFixture.BRUSSELS)));
            assertThat(read.value().rows()).extracting(IndexReading::capturedAt).containsExactly(
                    TODAY.minusDays(1).atStartOfDay(SimulatorFixture.BRUSSELS).toInstant(), TODAY.atStartOfDay(SimulatorFixture.BRUSSELS).toInstant());
            assertThat(read.trace()).extracting(WireTrace.Entry::step).doesNotContain("GET 1-0:99.2.0.255/2 by range");
        }
    }

    @Test
    void a_limiter_whose_monitored_value_is_hidden_takes_its_threshold_in_the_attributes_own_type_and_says_the_scaler_was_assumed() throws Exception {
        try (SimulatorFixture f = fleet("limiter-monitor-hidden", SimTransport.WRAPPER)) {
            CommandResult r = await(f.client.withSession(f.hls(0), "limit", s -> s.commands().setPowerLimit(2300)));
            assertThat(r.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
            assertThat(r.state()).containsEntry("thresholdWatts", 2300L).containsEntry("scalerAssumed", true);
            assertThat((String) r.state().get("note")).contains("1-0:1.7.0.255").contains("access denied");
            assertThat(f.fleet.state(0).thresholdNormalWatts()).isEqualTo(2300);
        }
    }

    @Test
    void a_meter_that_hangs_up_on_wrong_keys_is_a_suspected_authentication_failure() throws Exception {
        try (SimulatorFixture f = fleet("hangup-on-auth-failure", SimTransport.WRAPPER)) {
            assertThatThrownBy(() -> await(f.client.withSession(f.hls(2), "read", s -> s.reads().indexes())))
                    .isInstanceOfSatisfying(MeterException.class, e -> {
                        assertThat(e.kind()).isEqualTo(MeterFailureKind.AUTHENTICATION_SUSPECTED);
                        assertThat(e.getMessage()).contains("closed the connection right after the AARQ twice");
                        for (HintContext context : HintContext.values()) {
                            assertThat(e.kind().hint(context)).contains("keys").contains("system title").contains("invocation counter");
                        }
                    });
        }
    }

    @Test
    void a_meter_that_hangs_up_on_a_counter_it_has_seen_is_read_after_one_look_at_its_counter() throws Exception {
        try (SimulatorFixture f = fleet("hangup-on-auth-failure", SimTransport.WRAPPER)) {
            await(f.client.withSession(f.hls(1), "read", s -> s.reads().indexes()));
            f.fleet.state(1).forceInvocationCounter(1_000_000); // another head-end used the meter meanwhile
            var again = await(f.client.withSession(f.hls(1), "read", new MeterClient.Options(true, false), s -> s.reads().indexes()));
            assertThat(again.value().registers()).hasSize(4);
            assertThat(again.trace()).extracting(WireTrace.Entry::step).contains("associate AARQ");
            assertThat(f.counters.peek(f.fleet.identity(1).ean(), 1)).isGreaterThan(1_000_000);
        }
    }

    @Test
    void a_rejection_without_user_information_is_an_authentication_failure() throws Exception {
        try (SimulatorFixture f = fleet("aare-reject-without-user-information", SimTransport.WRAPPER)) {
            MeterIdentity id = f.fleet.identity(0);
            MeterTarget t = f.low(0);
            MeterTarget wrong = new MeterTarget(t.meterId(), t.endpoint(), MeterSecurity.low(id.password() + "x"), t.profile());
            assertThatThrownBy(() -> await(f.client.withSession(wrong, "read", s -> s.reads().indexes())))
                    .isInstanceOfSatisfying(MeterException.class, e -> assertThat(e.kind()).isEqualTo(MeterFailureKind.AUTHENTICATION_FAILED));
        }
    }

    private static MeterSession forcingLists(MeterSession s) {
        s.association().codec().getNegotiatedConformance().add(gurux.dlms.enums.Conformance.MULTIPLE_REFERENCES);
        return s;
    }

    @Test
    void a_ciphered_exception_response_is_a_refused_request_naming_its_errors() throws Exception {
        try (SimulatorFixture f = fleet("no-get-with-list,ciphered-exceptions", SimTransport.WRAPPER)) {
            // the head-end never sends a list to such a meter: the test makes the codec believe it may, so the meter refuses
            assertThatThrownBy(() -> await(f.client.withSession(f.hls(0), "list", s -> forcingLists(s).access().list("GET forced list",
                    List.of(new SimpleEntry<>(AttributeAccess.object(ObjectType.REGISTER, "1-0:1.8.1.255"), 2),
                            new SimpleEntry<>(AttributeAccess.object(ObjectType.REGISTER, "1-0:1.8.2.255"), 2))))))
                    .isInstanceOfSatisfying(MeterException.class, e -> {
                        assertThat(e.kind()).as(e.getMessage()).isEqualTo(MeterFailureKind.REQUEST_REFUSED);
                        assertThat(e.kind().retryable()).isFalse();
                        assertThat(e.getMessage()).contains("ciphered exception-response service-unknown, service-not-supported");
                    });
        }
    }
}
