package org.openhes.headend.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gurux.dlms.GXDLMSException;
import gurux.dlms.GXDateTime;
import gurux.dlms.enums.DataType;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSDisconnectControl;
import gurux.dlms.objects.GXDLMSLimiter;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event logs and the alarm register of a simulated meter, read by a plain Gurux client over TCP. */
class EventLogsTcpTest {
    private static final String STANDARD = "0.0.99.98.0.255", DISCONNECTOR = "0.0.99.98.2.255", POWER_FAILURES = "1.0.99.97.0.255";
    private static final int WITH_OUTAGES = 1; // meters 1 modulo 3 lose power
    private static final Instant FROM = TestFleets.NOW.minusSeconds(LoadProfile.DAYS * 86_400L), TO = TestFleets.NOW;

    /** {start, end} of the meter's outages that started in the past days, computed here from PowerFailures. */
    private static List<Instant[]> expectedOutages(int meter) {
        List<Instant[]> outages = new ArrayList<>();
        LocalDate today = TestFleets.NOW.atZone(TestFleets.BRUSSELS).toLocalDate();
        for (int back = LoadProfile.DAYS + 1; back >= 0; back--) {
            LocalDate day = today.minusDays(back);
            PowerFailures.Outage o = PowerFailures.on(meter, day);
            if (o == null) continue;
            Instant midnight = day.atStartOfDay(TestFleets.BRUSSELS).toInstant();
            Instant start = midnight.plusSeconds(o.first() * 900L), end = midnight.plusSeconds((o.first() + o.length()) * 900L);
            if (start.isAfter(FROM) && !start.isAfter(TO)) outages.add(new Instant[] {start, end});
        }
        return outages;
    }

    @Test
    void the_standard_event_log_over_a_range_has_a_power_down_and_up_per_outage() throws Exception {
        List<Instant[]> outages = expectedOutages(WITH_OUTAGES);
        assertThat(outages).as("the test meter has outages in the past days").isNotEmpty();
        try (SimulatedFleet fleet = TestFleets.wrapper(""); WireClient c = WireClient.management(fleet, WITH_OUTAGES, 10)) {
            c.associate();
            GXDLMSProfileGeneric log = withColumns(c, STANDARD);
            assertThat(log.getCaptureObjects().stream().map(e -> e.getKey().getLogicalName() + "/" + e.getValue().getAttributeIndex()))
                    .containsExactly("0.0.1.0.0.255/2", "0.0.96.11.0.255/2");
            Object[] rows = c.readRows(log, c.client.readRowsByRange(log, Date.from(FROM), Date.from(TO)));
            assertThat(rows).hasSize(outages.size() * 2);
            for (int k = 0; k < outages.size(); k++) {
                Object[] down = (Object[]) rows[2 * k], up = (Object[]) rows[2 * k + 1];
                assertThat(instant(down[0])).isEqualTo(outages.get(k)[0]);
                assertThat(((Number) down[1]).intValue()).isEqualTo(EventLogs.POWER_DOWN);
                assertThat(instant(up[0])).isEqualTo(outages.get(k)[1]);
                assertThat(((Number) up[1]).intValue()).isEqualTo(EventLogs.POWER_UP);
            }
            // a range around the last outage only: its two rows
            Instant[] last = outages.get(outages.size() - 1);
            rows = c.readRows(log, c.client.readRowsByRange(log, Date.from(last[0].minusSeconds(60)), Date.from(last[1].plusSeconds(60))));
            assertThat(rows).hasSize(2);
            assertThat(instant(((Object[]) rows[0])[0])).isEqualTo(last[0]);
        }
        try (SimulatedFleet fleet = TestFleets.wrapper(""); WireClient c = WireClient.management(fleet, 0, 10)) {
            c.associate();
            GXDLMSProfileGeneric log = withColumns(c, STANDARD);
            assertThat(c.readRows(log, c.client.readRowsByRange(log, Date.from(FROM), Date.from(TO)))).as("meter 0 never loses power").isEmpty();
        }
    }

    @Test
    void the_power_failure_log_has_each_outage_end_and_duration_by_range_and_by_entry() throws Exception {
        List<Instant[]> outages = expectedOutages(WITH_OUTAGES);
        try (SimulatedFleet fleet = TestFleets.wrapper(""); WireClient c = WireClient.reader(fleet, WITH_OUTAGES, fleet.identity(WITH_OUTAGES).password())) {
            c.associate();
            GXDLMSProfileGeneric log = withColumns(c, POWER_FAILURES);
            assertThat(log.getCaptureObjects().get(1).getKey().getLogicalName()).isEqualTo("0.0.96.7.19.255");
            Object[] rows = c.readRows(log, c.client.readRowsByRange(log, Date.from(FROM), Date.from(TO)));
            assertThat(rows).hasSize(outages.size());
            for (int k = 0; k < outages.size(); k++) {
                Object[] row = (Object[]) rows[k];
                assertThat(instant(row[0])).isEqualTo(outages.get(k)[1]);
                long seconds = outages.get(k)[1].getEpochSecond() - outages.get(k)[0].getEpochSecond();
                assertThat(((Number) row[1]).longValue()).isEqualTo(seconds).isPositive();
                assertThat(seconds % 900).isZero();
            }
            assertThat(((Number) c.read(log, 7)).intValue()).as("entries in use").isEqualTo(outages.size());
            rows = c.readRows(log, c.client.readRowsByEntry(log, 2, 1));
            assertThat(rows).hasSize(1);
            assertThat(instant(((Object[]) rows[0])[0])).isEqualTo(outages.get(1)[1]);
            assertThat(c.exchange(c.client.read(new GXDLMSData("0.0.96.7.19.255"), 2)).getValueType()).isEqualTo(DataType.UINT32);
        }
    }

    @Test
    void remote_disconnect_and_reconnect_are_logged_and_kept_across_connections() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper("")) {
            try (WireClient c = WireClient.management(fleet, 0, 10)) {
                c.associate();
                GXDLMSDisconnectControl disconnector = new GXDLMSDisconnectControl("0.0.96.3.10.255");
                c.exchange(c.client.method(disconnector, 1, 0, DataType.INT8));
                c.exchange(c.client.method(disconnector, 2, 0, DataType.INT8));
                GXDLMSLimiter limiter = new GXDLMSLimiter("0.0.17.0.0.255");
                c.read(limiter, 4);
                limiter.setThresholdNormal(5000L);
                c.exchange(c.client.write(limiter, 4));
            }
            assertThat(fleet.disconnectorLog(0)).extracting(e -> e[1])
                    .containsExactly((long) EventLogs.REMOTE_DISCONNECTION, (long) EventLogs.REMOTE_CONNECTION, (long) EventLogs.LIMITER_THRESHOLD_CHANGED);
            assertThat(fleet.disconnectorLog(0).get(0)[0]).isEqualTo(TestFleets.NOW.getEpochSecond());
            try (WireClient c = WireClient.management(fleet, 0, 100)) {
                c.associate();
                GXDLMSProfileGeneric log = withColumns(c, DISCONNECTOR);
                assertThat(log.getCaptureObjects().get(1).getKey().getLogicalName()).isEqualTo("0.0.96.11.2.255");
                Object[] rows = c.readRows(log, c.client.readRowsByEntry(log, 1, 3));
                assertThat(rows).extracting(r -> ((Number) ((Object[]) r)[1]).intValue())
                        .containsExactly(EventLogs.REMOTE_DISCONNECTION, EventLogs.REMOTE_CONNECTION, EventLogs.LIMITER_THRESHOLD_CHANGED);
                assertThat(instant(((Object[]) rows[0])[0])).isEqualTo(TestFleets.NOW);
                rows = c.readRows(log, c.client.readRowsByRange(log, Date.from(TO.minusSeconds(1)), Date.from(TO.plusSeconds(1))));
                assertThat(rows).hasSize(3);
            }
        }
    }

    @Test
    void a_manual_reconnect_meter_logs_ready_for_manual_reconnection() throws Exception {
        try (SimulatedFleet fleet = SimulatedFleet.start(TestFleets.config("").manualReconnectShare(1).build());
             WireClient c = WireClient.management(fleet, 0, 10)) {
            c.associate();
            GXDLMSDisconnectControl disconnector = new GXDLMSDisconnectControl("0.0.96.3.10.255");
            c.exchange(c.client.method(disconnector, 1, 0, DataType.INT8));
            c.exchange(c.client.method(disconnector, 2, 0, DataType.INT8));
            c.exchange(c.client.method(disconnector, 2, 0, DataType.INT8)); // already armed: nothing new
            assertThat(fleet.disconnectorLog(0)).extracting(e -> e[1])
                    .containsExactly((long) EventLogs.REMOTE_DISCONNECTION, (long) EventLogs.READY_FOR_MANUAL_RECONNECTION);
        }
    }

    @Test
    void an_entry_only_meter_refuses_a_range_of_a_log_but_serves_entries() throws Exception {
        List<Instant[]> outages = expectedOutages(WITH_OUTAGES);
        try (SimulatedFleet fleet = TestFleets.wrapper("profile-by-entry-only"); WireClient c = WireClient.management(fleet, WITH_OUTAGES, 10)) {
            c.associate();
            GXDLMSProfileGeneric log = withColumns(c, STANDARD);
            assertThatThrownBy(() -> c.readRows(log, c.client.readRowsByRange(log, Date.from(FROM), Date.from(TO))))
                    .isInstanceOfSatisfying(GXDLMSException.class, e -> assertThat(e.getErrorCode()).isEqualTo(250));
            Object[] rows = c.readRows(log, c.client.readRowsByEntry(log, 1, 2));
            assertThat(rows).hasSize(2);
            assertThat(instant(((Object[]) rows[0])[0])).isEqualTo(outages.get(0)[0]);
            assertThat(instant(((Object[]) rows[1])[0])).isEqualTo(outages.get(0)[1]);
        }
    }

    @Test
    void the_alarm_register_is_read_raised_and_cleared_by_writing_zero() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper("")) {
            GXDLMSData alarms = new GXDLMSData("0.0.97.98.0.255");
            try (WireClient c = WireClient.management(fleet, 0, 10)) {
                c.associate();
                assertThat(c.exchange(c.client.read(alarms, 2)).getValueType()).isEqualTo(DataType.UINT32);
                assertThat(((Number) c.read(alarms, 2)).longValue()).isZero();
                fleet.raiseAlarm(0, 0x01);
                fleet.raiseAlarm(0, 0x100);
                assertThat(((Number) c.read(alarms, 2)).longValue()).isEqualTo(0x101);
            }
            try (ServerSocket receiver = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                fleet.pushAlarm(0, new InetSocketAddress(receiver.getInetAddress(), receiver.getLocalPort()), 0x8000_0000L);
            }
            assertThat(fleet.alarmRegister(0)).as("a push ORs its bits into the register").isEqualTo(0x8000_0101L);
            try (WireClient c = WireClient.management(fleet, 0, 100)) {
                c.associate();
                assertThat(((Number) c.read(alarms, 2)).longValue()).as("kept across connections").isEqualTo(0x8000_0101L);
                alarms.setDataType(2, DataType.UINT32);
                alarms.setValue(0L);
                c.exchange(c.client.write(alarms, 2));
                assertThat(fleet.alarmRegister(0)).isZero();
                assertThat(((Number) c.read(alarms, 2)).longValue()).isZero();
                alarms.setValue(0x42L);
                c.exchange(c.client.write(alarms, 2));
                assertThat(fleet.alarmRegister(0)).isEqualTo(0x42);
            }
        }
    }

    private static GXDLMSProfileGeneric withColumns(WireClient c, String ln) throws Exception {
        GXDLMSProfileGeneric log = new GXDLMSProfileGeneric(ln);
        c.read(log, 3);
        return log;
    }

    private static Instant instant(Object clockValue) {
        return ((GXDateTime) clockValue).getMeterCalendar().getTime().toInstant();
    }
}
