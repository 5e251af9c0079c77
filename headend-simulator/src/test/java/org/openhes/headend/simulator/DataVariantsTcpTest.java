package org.openhes.headend.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gurux.dlms.GXDLMSException;
import gurux.dlms.GXDateTime;
import gurux.dlms.GXReplyData;
import gurux.dlms.enums.DataType;
import gurux.dlms.objects.GXDLMSAssociationLogicalName;
import gurux.dlms.objects.GXDLMSLimiter;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import gurux.dlms.objects.GXDLMSRegister;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The variants of the meter's data and link, seen from a plain Gurux client over TCP. */
class DataVariantsTcpTest {
    private static final String DAILY = "1.0.99.2.0.255";
    private static final Instant FIRST_DAY = TestFleets.midnightOfEntry(1), LAST_DAY = TestFleets.midnightOfEntry(DailyProfile.DAYS);

    @Test
    void a_small_pdu_forces_every_profile_and_object_list_read_into_blocks_under_it() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper("small-pdu=256"); WireClient c = WireClient.management(fleet, 0, 10)) {
            c.associate();
            assertThat(c.client.getMaxReceivePDUSize()).isEqualTo(256);

            int before = c.received.size();
            GXDLMSProfileGeneric daily = profileWithColumns(c);
            c.readRows(daily, c.client.readRowsByRange(daily, Date.from(FIRST_DAY), Date.from(LAST_DAY)));
            assertThat(daily.getBuffer()).hasSize(DailyProfile.DAYS);
            assertThat(c.received.size() - before).as("reply blocks").isGreaterThan(4);

            int listStart = c.received.size();
            c.read(new GXDLMSAssociationLogicalName("0.0.40.0.0.255"), 2);
            assertThat(c.received.size() - listStart).as("object list blocks").isGreaterThan(2);
            for (byte[] frame : c.received) assertThat(c.apdu(frame).length).isLessThanOrEqualTo(256);
        }
    }

    @Test
    void over_hdlc_a_small_window_meter_sends_128_byte_segments_whatever_the_client_proposes() throws Exception {
        try (SimulatedFleet plain = TestFleets.hdlc(""); WireClient c = proposingBigFrames(WireClient.management(plain, 0, 10))) {
            assertThat(uaParameters(c.snrm())).as("by default the meter takes the proposal")
                    .containsEntry(5, 1024).containsEntry(6, 1024).containsEntry(7, 7).containsEntry(8, 7);
        }
        try (SimulatedFleet fleet = TestFleets.hdlc("hdlc-small-window"); WireClient c = proposingBigFrames(WireClient.management(fleet, 0, 10))) {
            assertThat(uaParameters(c.snrm())).containsEntry(5, 128).containsEntry(6, 128).containsEntry(7, 1).containsEntry(8, 1);
            assertThat(c.client.getHdlcSettings().getMaxInfoRX()).isEqualTo(128);
            assertThat(c.client.getHdlcSettings().getWindowSizeTX()).isEqualTo(1);
            c.associate();
            GXDLMSProfileGeneric daily = profileWithColumns(c);
            c.readRows(daily, c.client.readRowsByRange(daily, Date.from(FIRST_DAY), Date.from(LAST_DAY)));
            assertThat(daily.getBuffer()).hasSize(DailyProfile.DAYS);
            long segments = c.received.stream().filter(f -> (f[1] & 0x08) != 0).count();
            assertThat(segments).isGreaterThan(5);
            for (byte[] frame : c.received) assertThat(hdlcInfoLength(frame)).isLessThanOrEqualTo(128);
        }
    }

    @Test
    void an_entry_only_profile_refuses_a_range_read_with_other_reason() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper("profile-by-entry-only");
             WireClient c = WireClient.reader(fleet, 0, fleet.identity(0).password())) {
            c.associate();
            GXDLMSProfileGeneric daily = profileWithColumns(c);
            assertThatThrownBy(() -> c.readRows(daily, c.client.readRowsByRange(daily, Date.from(FIRST_DAY), Date.from(LAST_DAY))))
                    .isInstanceOfSatisfying(GXDLMSException.class, e -> assertThat(e.getErrorCode()).isEqualTo(250));
            byte[] apdu = c.apdu(c.received.get(c.received.size() - 1));
            // get-response-normal, invoke id, data-access-result other-reason
            assertThat(apdu).containsExactly(0xC4, 0x01, apdu[2], 0x01, 0xFA);
        }
    }

    @Test
    void an_entry_only_profile_serves_the_entries_and_columns_asked_for() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper("profile-by-entry-only"); WireClient c = WireClient.management(fleet, 0, 10)) {
            c.associate();
            GXDLMSProfileGeneric daily = profileWithColumns(c);
            assertThat(((Number) c.read(daily, 7)).intValue()).as("entries in use").isEqualTo(DailyProfile.DAYS);
            c.readRows(daily, c.client.readRowsByEntry(daily, 3, 3));
            assertThat(daily.getBuffer()).hasSize(3);
            for (int k = 0; k < 3; k++) {
                Object[] row = (Object[]) daily.getBuffer()[k];
                Instant midnight = TestFleets.midnightOfEntry(3 + k);
                assertThat(instant(row[0])).isEqualTo(midnight);
                long[] wh = fleet.indexesAt(0, midnight);
                assertThat(Arrays.stream(row, 1, 5).mapToLong(v -> ((Number) v).longValue()).toArray()).containsExactly(wh);
            }
            assertThat(instant(((Object[]) rowsByEntry(c, daily, 40, 0)[0])[0])).as("to_entry 0 is the newest").isEqualTo(LAST_DAY);
            assertThat(rowsByEntry(c, daily, 39, 100)).as("past the buffer, fewer rows").hasSize(2);
        }
    }

    @Test
    void entry_access_can_select_columns() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper(""); WireClient c = WireClient.reader(fleet, 0, fleet.identity(0).password())) {
            c.associate();
            GXDLMSProfileGeneric daily = profileWithColumns(c);
            c.exchange(c.client.readRowsByEntry(daily, 40, 1, 2, 3)); // Gurux's client cannot take part of a row
            byte[] apdu = c.apdu(c.received.get(c.received.size() - 1));
            long[] wh = fleet.indexesAt(0, LAST_DAY);
            // array of 1 structure of 2 double-long-unsigned: import day and night
            ByteBuffer data = ByteBuffer.wrap(apdu, 4, apdu.length - 4);
            assertThat(new int[] {data.get(), data.get(), data.get(), data.get()}).containsExactly(1, 1, 2, 2);
            assertThat(data.get()).isEqualTo((byte) 0x06);
            assertThat(data.getInt() & 0xFFFFFFFFL).isEqualTo(wh[0]);
            assertThat(data.get()).isEqualTo((byte) 0x06);
            assertThat(data.getInt() & 0xFFFFFFFFL).isEqualTo(wh[1]);
            assertThat(data.hasRemaining()).isFalse();
        }
    }

    @Test
    void capture_objects_can_come_in_another_order_with_a_status_column() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper("capture-order"); WireClient c = WireClient.management(fleet, 0, 10)) {
            c.associate();
            GXDLMSProfileGeneric daily = profileWithColumns(c);
            assertThat(daily.getCaptureObjects().stream().map(e -> e.getKey().getLogicalName() + "/" + e.getValue().getAttributeIndex()))
                    .containsExactly("0.0.1.0.0.255/2", "0.0.96.10.1.255/2", "1.0.2.8.2.255/2", "1.0.1.8.1.255/2",
                            "1.0.2.8.1.255/2", "1.0.1.8.2.255/2");
            c.readRows(daily, c.client.readRowsByRange(daily, Date.from(LAST_DAY), Date.from(LAST_DAY)));
            Object[] row = (Object[]) daily.getBuffer()[0];
            long[] wh = fleet.indexesAt(0, LAST_DAY);
            assertThat(instant(row[0])).isEqualTo(LAST_DAY);
            assertThat(((Number) row[1]).intValue()).as("status").isZero();
            assertThat(Arrays.stream(row, 2, 6).mapToLong(v -> ((Number) v).longValue()).toArray())
                    .containsExactly(wh[3], wh[0], wh[2], wh[1]);
            assertThat(c.read(new gurux.dlms.objects.GXDLMSData("0.0.96.10.1.255"), 2)).isEqualTo((short) 0);
        }
    }

    @ParameterizedTest(name = "scaler={0}")
    @CsvSource({"-3, long64", "1, ''", "3, ''"})
    void registers_and_profile_can_count_at_another_resolution(int scaler, String more) throws Exception {
        String variants = "scaler=" + scaler + (more.isEmpty() ? "" : "," + more);
        try (SimulatedFleet fleet = TestFleets.wrapper(variants); WireClient c = WireClient.reader(fleet, 0, fleet.identity(0).password())) {
            c.associate();
            GXDLMSRegister importDay = new GXDLMSRegister("1.0.1.8.1.255");
            c.read(importDay, 3);
            byte[] scalerUnit = c.apdu(c.received.get(c.received.size() - 1));
            // structure { integer scaler, enum unit Wh (30) }
            assertThat(Arrays.copyOfRange(scalerUnit, 4, scalerUnit.length)).containsExactly(2, 2, 0x0F, scaler, 0x16, 30);
            long wh = fleet.indexesAt(0, TestFleets.NOW)[0];
            long raw = scaler >= 0 ? wh / (long) Math.pow(10, scaler) : wh * (long) Math.pow(10, -scaler);
            // the raw value (Gurux's client would scale what it reads)
            assertThat(((Number) c.exchange(c.client.read(importDay, 2)).getValue()).longValue()).isEqualTo(raw);
            assertThat(raw * Math.pow(10, scaler)).isCloseTo(wh, org.assertj.core.data.Offset.offset(Math.pow(10, scaler)));

            GXDLMSProfileGeneric daily = profileWithColumns(c);
            c.readRows(daily, c.client.readRowsByEntry(daily, 40, 1));
            long whAtMidnight = fleet.indexesAt(0, LAST_DAY)[0];
            assertThat(((Number) ((Object[]) daily.getBuffer()[0])[1]).longValue())
                    .isEqualTo(scaler >= 0 ? whAtMidnight / (long) Math.pow(10, scaler) : whAtMidnight * (long) Math.pow(10, -scaler));
        }
    }

    @Test
    void energy_can_be_long64_in_registers_and_profile() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper("long64"); WireClient c = WireClient.reader(fleet, 0, fleet.identity(0).password())) {
            c.associate();
            c.read(new GXDLMSRegister("1.0.2.8.2.255"), 2);
            byte[] apdu = c.apdu(c.received.get(c.received.size() - 1));
            assertThat(apdu[4]).as("long64-unsigned").isEqualTo((byte) 0x15);
            assertThat(ByteBuffer.wrap(apdu, 5, 8).getLong()).isEqualTo(fleet.indexesAt(0, TestFleets.NOW)[3]);

            GXDLMSProfileGeneric daily = profileWithColumns(c);
            c.readRows(daily, c.client.readRowsByEntry(daily, 40, 1));
            ByteBuffer row = ByteBuffer.wrap(c.apdu(c.received.get(c.received.size() - 1)));
            row.position(4 + 4 + 2 + 12); // array of 1, structure of 5, octet-string(12) clock
            for (long wh : fleet.indexesAt(0, LAST_DAY)) {
                assertThat(row.get()).isEqualTo((byte) 0x15);
                assertThat(row.getLong()).isEqualTo(wh);
            }
        }
    }

    @Test
    void the_limiter_can_hide_its_monitored_value_and_take_only_long_unsigned_thresholds() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper("limiter-monitor-hidden"); WireClient c = WireClient.management(fleet, 0, 10)) {
            c.associate();
            assertThatThrownBy(() -> c.read(new GXDLMSRegister("1.0.1.7.0.255"), 2))
                    .isInstanceOfSatisfying(GXDLMSException.class, e -> assertThat(e.getErrorCode()).as("read-write-denied").isEqualTo(3));
            GXDLMSLimiter limiter = new GXDLMSLimiter("0.0.17.0.0.255");
            GXReplyData threshold = c.exchange(c.client.read(limiter, 4));
            assertThat(threshold.getValueType()).isEqualTo(DataType.UINT16);
            List<?> monitored = (List<?>) c.exchange(c.client.read(limiter, 2)).getValue();
            assertThat(((Number) monitored.get(0)).intValue()).as("the monitored value is still named: a register").isEqualTo(3);
            assertThat((byte[]) monitored.get(1)).containsExactly(1, 0, 1, 7, 0, 255);

            GXDLMSLimiter asUint32 = new GXDLMSLimiter("0.0.17.0.0.255");
            asUint32.setDataType(4, DataType.UINT32);
            asUint32.setThresholdNormal(4000L);
            assertThatThrownBy(() -> c.exchange(c.client.write(asUint32, 4)))
                    .isInstanceOfSatisfying(GXDLMSException.class, e -> assertThat(e.getErrorCode()).as("type-unmatched").isEqualTo(12));
            assertThat(fleet.state(0).thresholdNormalWatts()).isZero();

            GXDLMSLimiter asUint16 = new GXDLMSLimiter("0.0.17.0.0.255");
            asUint16.setDataType(4, DataType.UINT16);
            asUint16.setThresholdNormal(4000);
            c.exchange(c.client.write(asUint16, 4));
            assertThat(fleet.state(0).thresholdNormalWatts()).isEqualTo(4000);
        }
    }

    @Test
    void a_hidden_monitored_value_is_refused_inside_a_get_with_list_too() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper("limiter-monitor-hidden");
             WireClient c = WireClient.reader(fleet, 0, fleet.identity(0).password())) {
            c.associate();
            List<Map.Entry<gurux.dlms.objects.GXDLMSObject, Integer>> both = List.of(
                    Map.entry(new GXDLMSLimiter("0.0.17.0.0.255"), 4), Map.entry(new GXDLMSRegister("1.0.1.7.0.255"), 2));
            byte[] apdu = c.apdu(c.send(c.client.readList(both)[0]));
            // get-response-with-list, invoke id, 2 results: data long-unsigned 0, data-access-result read-write-denied
            assertThat(apdu).containsExactly(0xC4, 0x03, apdu[2], 0x02, 0x00, 0x12, 0x00, 0x00, 0x01, 0x03);
        }
    }

    @Test
    void by_default_the_monitored_value_is_readable_and_thresholds_are_double_long_unsigned() throws Exception {
        try (SimulatedFleet fleet = TestFleets.wrapper(""); WireClient c = WireClient.management(fleet, 0, 10)) {
            c.associate();
            assertThat(((Number) c.read(new GXDLMSRegister("1.0.1.7.0.255"), 2)).longValue()).isPositive();
            assertThat(c.exchange(c.client.read(new GXDLMSLimiter("0.0.17.0.0.255"), 4)).getValueType()).isEqualTo(DataType.UINT32);
        }
    }

    private static GXDLMSProfileGeneric profileWithColumns(WireClient c) throws Exception {
        GXDLMSProfileGeneric daily = new GXDLMSProfileGeneric(DAILY);
        c.read(daily, 3);
        return daily;
    }

    private static Object[] rowsByEntry(WireClient c, GXDLMSProfileGeneric daily, int from, int count) throws Exception {
        c.readRows(daily, c.client.readRowsByEntry(daily, from, count));
        return daily.getBuffer();
    }

    private static Instant instant(Object clockValue) {
        return ((GXDateTime) clockValue).getMeterCalendar().getTime().toInstant();
    }

    private static WireClient proposingBigFrames(WireClient c) {
        c.client.getHdlcSettings().setMaxInfoRX(1024);
        c.client.getHdlcSettings().setMaxInfoTX(1024);
        c.client.getHdlcSettings().setWindowSizeRX(7);
        c.client.getHdlcSettings().setWindowSizeTX(7);
        return c;
    }

    /** The UA's HDLC parameters (id → value), read from the frame's information field. */
    private static Map<Integer, Integer> uaParameters(byte[] ua) {
        int pos = 3; // after the flag and the format field: the addresses, then control and HCS
        for (int address = 0; address < 2; address++) {
            while ((ua[pos] & 1) == 0) pos++;
            pos++;
        }
        int infoStart = pos + 1 + 2;
        Map<Integer, Integer> params = new java.util.TreeMap<>();
        int p = infoStart + 3; // format id 81, group id 80, group length
        while (p < ua.length - 3) {
            int id = ua[p] & 0xFF, len = ua[p + 1] & 0xFF, v = 0;
            for (int k = 0; k < len; k++) v = (v << 8) | (ua[p + 2 + k] & 0xFF);
            params.put(id, v);
            p += 2 + len;
        }
        return params;
    }

    /** The length of an HDLC frame's information field (0 for frames without one). */
    private static int hdlcInfoLength(byte[] frame) {
        int length = ((frame[1] & 0x07) << 8) | (frame[2] & 0xFF);
        int pos = 3;
        for (int address = 0; address < 2; address++) {
            while ((frame[pos] & 1) == 0) pos++;
            pos++;
        }
        int header = pos + 1 + 2 - 1; // bytes from the format field to the HCS, inclusive
        return Math.max(0, length - header - 2);
    }
}
