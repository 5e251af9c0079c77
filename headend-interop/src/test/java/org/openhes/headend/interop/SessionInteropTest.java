package org.openhes.headend.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openhes.headend.interop.HeadendAgainstJdlms.NOW;
import static org.openhes.headend.interop.HeadendAgainstJdlms.await;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openhes.headend.interop.meter.ClientSaps;
import org.openhes.headend.interop.meter.Disconnector;
import org.openhes.headend.interop.meter.Indexes;
import org.openhes.headend.interop.meter.MeterTime;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.model.CommandOutcome;
import org.openhes.headend.protocol.model.CommandResult;
import org.openhes.headend.protocol.model.IndexReading;
import org.openhes.headend.protocol.model.LogEntry;
import org.openhes.headend.protocol.model.MeterLog;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.model.MeterProfiles;
import org.openhes.headend.protocol.model.PushDestination;
import org.openhes.headend.protocol.model.Register;
import org.openhes.headend.protocol.session.MeterClient;
import org.openhes.headend.protocol.session.MeterObject;
import org.openhes.headend.protocol.session.MeterReads;
import org.openhes.headend.protocol.session.ProfileMatch;
import org.openhes.headend.protocol.session.TypedValue;
import org.openhes.headend.protocol.transport.WireTrace;

/**
 * Every session operation of the head-end against an independent DLMS/COSEM server (OpenMUC jDLMS,
 * not Gurux) over real TCP, HLS5-GMAC suite 0 with pass 3/4, and the failures a real meter gives.
 */
class SessionInteropTest {
    static final LocalDate TODAY = NOW.atZone(MeterTime.ZONE).toLocalDate();

    static void assertIndexes(List<Register> regs, Indexes expected) {
        assertThat(regs).extracting(Register::obis).containsExactly(MeterProfile.emucs().indexRegisters().toArray(String[]::new));
        assertThat(regs.get(0).value()).isEqualByComparingTo(BigDecimal.valueOf(expected.importDayWh()));
        assertThat(regs.get(1).value()).isEqualByComparingTo(BigDecimal.valueOf(expected.importNightWh()));
        assertThat(regs.get(2).value()).isEqualByComparingTo(BigDecimal.valueOf(expected.exportDayWh()));
        assertThat(regs.get(3).value()).isEqualByComparingTo(BigDecimal.valueOf(expected.exportNightWh()));
        assertThat(regs).allSatisfy(r -> assertThat(r.unit()).isEqualTo("Wh"));
    }

    static Instant midnight(LocalDate d) {
        return d.atStartOfDay(MeterTime.ZONE).toInstant();
    }

    @Test
    void reads_the_four_indexes_with_hls5_gmac_completing_pass_3_and_4() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            var read = await(h.client.withSession(h.hls(), "read", new MeterClient.Options(true, false), s -> s.reads().indexes()));
            assertIndexes(read.value().registers(), h.meter.indexesAt(NOW));
            // jDLMS's AARE says "null" where Gurux says "authentication-required": pass 3/4 ran anyway
            assertThat(read.trace()).extracting(WireTrace.Entry::step).contains("associate HLS pass 3");
        }
    }

    @Test
    void reads_the_daily_profile_by_range_with_catch_up_days_gas_and_clock() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            MeterReads.DailyRead d = await(h.client.withSession(h.hls(), "daily", s -> s.reads().daily(TODAY.minusDays(5), TODAY, MeterTime.ZONE)));
            assertThat(d.rows()).extracting(IndexReading::capturedAt)
                    .containsExactly(midnight(TODAY.minusDays(5)), midnight(TODAY.minusDays(4)), midnight(TODAY.minusDays(3)),
                            midnight(TODAY.minusDays(2)), midnight(TODAY.minusDays(1)), midnight(TODAY));
            for (IndexReading row : d.rows()) assertIndexes(row.registers(), h.meter.indexesAt(row.capturedAt()));
            assertThat(d.gasAndClock()).isNotNull();
            assertThat(d.gasAndClock().meterClock()).isEqualTo(NOW);
            assertThat(d.gasAndClock().gas().unit()).isEqualTo("m3");
            // the M-Bus gas meter reports hourly: the index is the one of its last report
            long litres = h.meter.model().gasLitresAt(h.meter.model().gasCaptureTime(NOW));
            assertThat(d.gasAndClock().gas().value()).isEqualByComparingTo(BigDecimal.valueOf(litres, 3));
        }
    }

    @Test
    void reads_the_daily_profile_by_entry_when_the_profile_says_so() throws Exception {
        MeterProfile byEntry = MeterProfiles.parse("test", "name = jdlms-entry\nbase = emucs\ndaily.profile.access = entry\n");
        try (var h = new HeadendAgainstJdlms()) {
            var read = await(h.client.withSession(h.hls(byEntry), "daily", new MeterClient.Options(true, false),
                    s -> s.reads().dailyIndexes(TODAY.minusDays(3), TODAY.minusDays(1), MeterTime.ZONE)));
            assertThat(read.value()).extracting(IndexReading::capturedAt)
                    .containsExactly(midnight(TODAY.minusDays(3)), midnight(TODAY.minusDays(2)), midnight(TODAY.minusDays(1)));
            for (IndexReading row : read.value()) assertIndexes(row.registers(), h.meter.indexesAt(row.capturedAt()));
            assertThat(read.trace()).extracting(WireTrace.Entry::step).contains("GET 1-0:99.2.0.255/2 by entry")
                    .doesNotContain("GET 1-0:99.2.0.255/2 by range");
        }
    }

    @Test
    void sets_the_clock_and_reads_it_back() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            Instant set = NOW.minusSeconds(3600);
            Instant readBack = await(h.client.withSession(h.hls(), "clock", s -> s.reads().setClock(set)));
            assertThat(readBack).isEqualTo(set);
            assertThat(h.meter.state().time().now()).isEqualTo(set);
        }
    }

    @Test
    void disconnects_and_reconnects_with_the_state_read_back() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            CommandResult off = await(h.client.withSession(h.hls(), "disconnect", s -> s.commands().disconnect()));
            assertThat(off.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
            assertThat(off.state()).containsEntry("outputState", false).containsEntry("controlState", "DISCONNECTED");
            assertThat(h.meter.state().disconnector().controlState()).isEqualTo(Disconnector.DISCONNECTED);
            CommandResult on = await(h.client.withSession(h.hls(), "reconnect", s -> s.commands().reconnect()));
            assertThat(on.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
            assertThat(h.meter.state().disconnector().outputState()).isTrue();
        }
    }

    @Test
    void a_reconnection_that_waits_for_the_customers_button_is_reported_as_such() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            h.meter.state().disconnector().setControlMode(1);
            await(h.client.withSession(h.hls(), "disconnect", s -> s.commands().disconnect()));
            CommandResult on = await(h.client.withSession(h.hls(), "reconnect", s -> s.commands().reconnect()));
            assertThat(on.outcome()).isEqualTo(CommandOutcome.READY_FOR_RECONNECTION);
            assertThat(h.meter.state().disconnector().controlState()).isEqualTo(Disconnector.READY_FOR_RECONNECTION);
        }
    }

    @Test
    void closes_the_gas_valve_and_arms_it_for_the_customer_to_open() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            CommandResult closed = await(h.client.withSession(h.hls(), "gas-disconnect", s -> s.commands().closeGasValve()));
            assertThat(closed.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
            assertThat(h.meter.state().gasValve().controlState()).isEqualTo(Disconnector.DISCONNECTED);
            assertThat(h.meter.state().disconnector().outputState()).as("electricity stays on").isTrue();
            CommandResult armed = await(h.client.withSession(h.hls(), "gas-reconnect", s -> s.commands().armGasValve()));
            assertThat(armed.outcome()).isEqualTo(CommandOutcome.READY_FOR_RECONNECTION);
            assertThat(h.meter.state().gasValve().controlState()).isEqualTo(Disconnector.READY_FOR_RECONNECTION);
        }
    }

    @Test
    void sets_and_clears_the_power_limit_in_the_type_the_strict_meter_wants() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            CommandResult limit = await(h.client.withSession(h.hls(), "limit", s -> s.commands().setPowerLimit(2300)));
            assertThat(limit.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
            assertThat(limit.state()).containsEntry("thresholdWatts", 2300L).doesNotContainKey("scalerAssumed");
            assertThat(h.meter.state().thresholdNormalW()).isEqualTo(2300);
            assertThat(await(h.client.withSession(h.hls(), "unlimit", s -> s.commands().clearPowerLimit())).outcome())
                    .isEqualTo(CommandOutcome.SUCCEEDED);
            assertThat(h.meter.state().thresholdNormalW()).isZero();
        }
    }

    @Test
    void shows_the_balance_on_the_meter() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            CommandResult shown = await(h.client.withSession(h.hls(), "display", s -> s.commands().displayBalance(new BigDecimal("-3.20"), "EUR")));
            assertThat(shown.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
            assertThat(new String(h.meter.state().message(), StandardCharsets.US_ASCII)).isEqualTo("SOLDE -3.20 EUR");
        }
    }

    @Test
    void points_the_alarm_push_setup_at_the_push_listener_in_the_types_the_strict_meter_wants() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            CommandResult set = await(h.client.withSession(h.hls(), "set-push-setup",
                    s -> s.pushSetup().configure(new PushDestination("192.0.2.10", 4060, 15, 2, 300))));
            assertThat(set.outcome()).isEqualTo(CommandOutcome.SUCCEEDED);
            assertThat(set.state()).containsEntry("destination", "192.0.2.10:4060").containsEntry("retries", 2);
            var meter = h.meter.state().pushSetup();
            assertThat(meter.destination()).isEqualTo("192.0.2.10:4060");
            assertThat(meter.transport()).as("TCP").isZero();
            assertThat(meter.messageType()).as("A-XDR xDLMS APDU").isZero();
            assertThat(List.of(meter.randomisationSeconds(), meter.retries(), meter.repetitionDelaySeconds())).containsExactly(15, 2, 300);
        }
    }

    @Test
    void reads_the_alarm_register_and_clears_it_in_the_type_the_strict_meter_wants() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            h.meter.state().raiseAlarm(0x8000_0004L);
            Long bits = await(h.client.withSession(h.hls(), "alarms", s -> s.eventLogs().alarmRegister()));
            assertThat(bits).as("unsigned 32 bits").isEqualTo(0x8000_0004L);
            await(h.client.withSession(h.hls(), "clear", s -> s.eventLogs().clearAlarmRegister()));
            assertThat(h.meter.state().alarmRegister()).isZero();
        }
    }

    @Test
    void reads_the_disconnector_control_log_by_range_and_names_its_codes() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            Instant before = h.meter.state().time().now().minusSeconds(1);
            await(h.client.withSession(h.hls(), "disconnect", s -> s.commands().disconnect()));
            await(h.client.withSession(h.hls(), "reconnect", s -> s.commands().reconnect()));
            var logged = h.meter.state().disconnectorLog().entries();
            assertThat(logged).extracting(e -> e.code()).containsExactly(62, 63);
            List<LogEntry> read = await(h.client.withSession(h.hls(), "logs",
                    s -> s.eventLogs().entries(MeterLog.DISCONNECTOR_CONTROL_LOG, before, h.meter.state().time().now().plusSeconds(1))));
            assertThat(read).extracting(LogEntry::eventName).containsExactly("REMOTE_DISCONNECTION", "REMOTE_CONNECTION");
            assertThat(read.get(0).at()).isEqualTo(logged.get(0).at().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            List<LogEntry> after = await(h.client.withSession(h.hls(), "logs", s -> s.eventLogs().entries(MeterLog.DISCONNECTOR_CONTROL_LOG,
                    logged.get(1).at().plusSeconds(2), logged.get(1).at().plusSeconds(60))));
            assertThat(after).as("a range after them: none").isEmpty();
            // an empty log (this meter never lost power): no rows, no failure
            List<LogEntry> standard = await(h.client.withSession(h.hls(), "logs",
                    s -> s.eventLogs().entries(MeterLog.STANDARD_EVENT_LOG, before, h.meter.state().time().now())));
            assertThat(standard).isEmpty();
        }
    }

    @Test
    void generic_get_set_and_action_reach_any_object() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            Object scalerUnit = await(h.client.withSession(h.hls(), "get", s -> s.access().get(3, "1-0:1.8.1.255", 3)));
            assertThat(scalerUnit).asList().hasSize(2);
            await(h.client.withSession(h.hls(), "set", s -> s.access().set(1, "0-0:96.13.1.255", 2, TypedValue.parse("visible-string", "HELLO"))));
            assertThat(new String(h.meter.state().message(), StandardCharsets.US_ASCII)).isEqualTo("HELLO");
            await(h.client.withSession(h.hls(), "action", s -> s.access().action(70, "0-0:96.3.10.255", 1, TypedValue.parse("int8", "0"))));
            assertThat(h.meter.state().disconnector().outputState()).isFalse();
        }
    }

    @Test
    void reads_the_counter_through_the_public_client_before_a_ciphered_session() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            h.meter.state().counters().setLastAccepted(ClientSaps.MANAGEMENT, 5_000);
            var read = await(h.client.withSession(h.hls(), "read", new MeterClient.Options(false, true), s -> s.reads().indexes()));
            assertIndexes(read.value().registers(), h.meter.indexesAt(NOW));
            assertThat(h.counters.peek(HeadendAgainstJdlms.METER_ID, ClientSaps.MANAGEMENT)).isGreaterThan(5_000);
            assertThat(h.meter.state().counters().refusals()).isZero();
        }
    }

    @Test
    void a_counter_behind_the_meters_is_resynchronised_after_the_meter_hangs_up() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            await(h.client.withSession(h.hls(), "read", s -> s.reads().indexes()));
            h.meter.state().counters().setLastAccepted(ClientSaps.MANAGEMENT, 1_000_000); // another head-end used the meter
            IndexReading r = await(h.client.withSession(h.hls(), "read", s -> s.reads().indexes()));
            assertIndexes(r.registers(), h.meter.indexesAt(NOW));
            assertThat(h.meter.state().counters().refusals()).isEqualTo(1);
            assertThat(h.counters.peek(HeadendAgainstJdlms.METER_ID, ClientSaps.MANAGEMENT)).isGreaterThan(1_000_000);
        }
    }

    @Test
    void wrong_keys_are_a_suspected_authentication_failure_with_the_hint_to_check_keys_title_and_counter() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            byte[] wrong = new byte[16];
            assertThatThrownBy(() -> await(h.client.withSession(h.hls(wrong, h.meter.settings().authenticationKey(), MeterProfile.emucs()),
                    "read", s -> s.reads().indexes())))
                    .isInstanceOfSatisfying(MeterException.class, e -> {
                        assertThat(e.kind()).as(e.getMessage()).isEqualTo(MeterFailureKind.AUTHENTICATION_SUSPECTED);
                        assertThat(e.step()).isEqualTo("associate AARQ");
                    });
        }
    }

    @Test
    void a_wrong_authentication_key_is_a_suspected_authentication_failure_too() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            byte[] wrongAk = new byte[16];
            assertThatThrownBy(() -> await(h.client.withSession(h.hls(h.meter.settings().encryptionKey(), wrongAk, MeterProfile.emucs()),
                    "read", s -> s.reads().indexes())))
                    // the AK is in the additional data of the AARQ's ciphered user-information: jDLMS cannot
                    // decipher it and hangs up, as with a wrong EK
                    .isInstanceOfSatisfying(MeterException.class, e -> assertThat(e.kind()).as(e.getMessage())
                            .isEqualTo(MeterFailureKind.AUTHENTICATION_SUSPECTED));
        }
    }

    @Test
    void lls_reads_with_the_right_password_and_fails_with_a_wrong_one() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            IndexReading r = await(h.client.withSession(h.reader(h.readerPassword()), "read", s -> s.reads().indexes()));
            assertIndexes(r.registers(), h.meter.indexesAt(NOW));
            assertThatThrownBy(() -> await(h.client.withSession(h.reader("not-the-password"), "read", s -> s.reads().indexes())))
                    .isInstanceOfSatisfying(MeterException.class, e -> {
                        assertThat(e.kind()).as(e.getMessage()).isIn(MeterFailureKind.AUTHENTICATION_FAILED, MeterFailureKind.AUTHENTICATION_SUSPECTED);
                        assertThat(e.kind().retryable() && e.kind() != MeterFailureKind.AUTHENTICATION_SUSPECTED).isFalse();
                    });
        }
    }

    @Test
    void an_unknown_object_is_object_unavailable_not_retried() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            assertThatThrownBy(() -> await(h.client.withSession(h.hls(), "get", s -> s.access().get(3, "1-0:99.99.9.255", 2))))
                    .isInstanceOfSatisfying(MeterException.class, e -> {
                        assertThat(e.kind()).as(e.getMessage()).isEqualTo(MeterFailureKind.OBJECT_UNAVAILABLE);
                        assertThat(e.retryable()).isFalse();
                    });
        }
    }

    @Test
    void the_object_list_fits_the_emucs_profile() throws Exception {
        try (var h = new HeadendAgainstJdlms()) {
            List<MeterObject> objects = await(h.client.withSession(h.hls(), "inspect", s -> s.inspection().objectList()));
            ProfileMatch.Report report = ProfileMatch.of(MeterProfile.emucs(), objects);
            assertThat(report.findings()).filteredOn(f -> !f.ok()).isEmpty();
        }
    }

}
