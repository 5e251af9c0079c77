package org.openhes.headend.interop.meter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openhes.headend.interop.meter.MeterFixture.fields;
import static org.openhes.headend.interop.meter.MeterFixture.number;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmuc.jdlms.AccessResultCode;
import org.openmuc.jdlms.AttributeAddress;
import org.openmuc.jdlms.DlmsConnection;
import org.openmuc.jdlms.GetResult;
import org.openmuc.jdlms.SelectiveAccessDescription;
import org.openmuc.jdlms.datatypes.DataObject;

/** jDLMS's client reads the daily profile whole, by range (selector 1) and by entry (selector 2). */
class JdlmsClientProfileTest {
    private static final LocalDate TODAY = LocalDate.of(2025, 3, 15);
    private static JdlmsMeter meter;
    private static DlmsConnection management;

    @BeforeAll
    static void start() throws Exception {
        meter = MeterFixture.startAt(MeterFixture.WINTER_MORNING);
        management = JdlmsClients.management(meter);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            JdlmsClients.release(management);
        } finally {
            meter.close();
        }
    }

    @Test
    void the_whole_buffer_holds_forty_midnights_oldest_first_with_the_model_values() throws Exception {
        List<DataObject> rows = buffer(null);

        assertThat(rows).hasSize(40);
        assertThat(midnightOf(rows.get(0))).isEqualTo(midnight(TODAY.minusDays(39)));
        assertThat(midnightOf(rows.get(39))).isEqualTo(midnight(TODAY));
        for (DataObject row : rows) {
            assertThat(valuesOf(row)).isEqualTo(expectedValues(midnightOf(row)));
        }
    }

    @Test
    void jdlms_client_reads_three_days_by_range_on_the_clock_column() throws Exception {
        List<DataObject> rows = buffer(byRange(midnight(TODAY.minusDays(3)), midnight(TODAY.minusDays(1)), List.of()));

        assertThat(rows).extracting(JdlmsClientProfileTest::midnightOf).containsExactly(
                midnight(TODAY.minusDays(3)), midnight(TODAY.minusDays(2)), midnight(TODAY.minusDays(1)));
        assertThat(fields(rows.get(0))).hasSize(5);
    }

    @Test
    void a_range_of_one_midnight_gives_its_row_and_the_selected_columns_only() throws Exception {
        Instant day = midnight(TODAY.minusDays(10));
        List<DataObject> rows = buffer(byRange(day, day, List.of(column(0), column(2))));

        assertThat(rows).hasSize(1);
        List<DataObject> cells = fields(rows.get(0));
        assertThat(cells).hasSize(2);
        assertThat(CosemDateTimes.decode(cells.get(0).getValue())).isEqualTo(day);
        assertThat(number(cells.get(1))).isEqualTo(meter.indexesAt(day).importNightWh());
    }

    @Test
    void a_range_across_the_spring_dst_change_keeps_local_midnights() throws Exception {
        try (JdlmsMeter april = MeterFixture.startAt(Instant.parse("2025-04-02T08:00:00Z"))) {
            DlmsConnection c = JdlmsClients.management(april);
            try {
                Instant from = midnight(LocalDate.of(2025, 3, 29));
                Instant to = midnight(LocalDate.of(2025, 3, 31));
                List<DataObject> rows = c.get(new AttributeAddress(7, CosemObjects.DAILY_PROFILE, 2,
                        byRange(from, to, List.of()))).getResultData().getValue();
                assertThat(rows).extracting(r -> fields(r).get(0).<byte[]>getValue()[10]).containsExactly(
                        (byte) 0xC4, (byte) 0xC4, (byte) 0x88); // deviation low byte: -60, -60, -120
                assertThat(rows).extracting(JdlmsClientProfileTest::midnightOf).containsExactly(
                        Instant.parse("2025-03-28T23:00:00Z"), Instant.parse("2025-03-29T23:00:00Z"),
                        Instant.parse("2025-03-30T22:00:00Z"));
            } finally {
                JdlmsClients.release(c);
            }
        }
    }

    @Test
    void jdlms_client_reads_the_last_three_entries_and_two_columns_by_entry() throws Exception {
        List<DataObject> rows = buffer(byEntry(38, 0, 2, 3));

        assertThat(rows).hasSize(3);
        Instant first = midnight(TODAY.minusDays(2));
        List<DataObject> cells = fields(rows.get(0));
        assertThat(cells).extracting(MeterFixture::number).containsExactly(
                meter.indexesAt(first).importDayWh(), meter.indexesAt(first).importNightWh());
    }

    @Test
    void entries_beyond_the_buffer_give_an_empty_array_and_entry_zero_is_refused() throws Exception {
        assertThat(buffer(byEntry(41, 45, 1, 0))).isEmpty();
        assertThat(buffer(byEntry(1, 1, 1, 0))).hasSize(1);

        GetResult zero = management.get(new AttributeAddress(7, CosemObjects.DAILY_PROFILE, 2, byEntry(0, 3, 1, 0)));
        assertThat(zero.getResultCode()).isEqualTo(AccessResultCode.SCOPE_OF_ACCESS_VIOLATED);
    }

    @Test
    void a_range_on_an_object_the_profile_does_not_capture_is_refused() throws Exception {
        DataObject gas = new CaptureObject(4, CosemObjects.GAS_INDEX, 2, 0).toDataObject();
        DataObject range = DataObject.newStructureData(gas, DataObject.newUInteger32Data(0),
                DataObject.newUInteger32Data(1), DataObject.newArrayData(List.of()));
        GetResult r = management.get(new AttributeAddress(7, CosemObjects.DAILY_PROFILE, 2,
                new SelectiveAccessDescription(1, range)));
        assertThat(r.getResultCode()).isEqualTo(AccessResultCode.SCOPE_OF_ACCESS_VIOLATED);

        GetResult selector3 = management.get(new AttributeAddress(7, CosemObjects.DAILY_PROFILE, 2,
                new SelectiveAccessDescription(3, DataObject.newNullData())));
        assertThat(selector3.getResultCode()).isEqualTo(AccessResultCode.SCOPE_OF_ACCESS_VIOLATED);
    }

    static SelectiveAccessDescription byRange(Instant from, Instant to, List<DataObject> columns) {
        return new SelectiveAccessDescription(1, DataObject.newStructureData(column(0),
                DataObject.newOctetStringData(CosemDateTimes.encode(from)),
                DataObject.newOctetStringData(CosemDateTimes.encode(to)), DataObject.newArrayData(columns)));
    }

    static SelectiveAccessDescription byEntry(long from, long to, int fromColumn, int toColumn) {
        return new SelectiveAccessDescription(2, DataObject.newStructureData(DataObject.newUInteger32Data(from),
                DataObject.newUInteger32Data(to), DataObject.newUInteger16Data(fromColumn), DataObject.newUInteger16Data(toColumn)));
    }

    private static DataObject column(int index) {
        return DailyProfileRows.COLUMNS.get(index).toDataObject();
    }

    private static List<DataObject> buffer(SelectiveAccessDescription access) throws Exception {
        GetResult r = management.get(new AttributeAddress(7, CosemObjects.DAILY_PROFILE, 2, access));
        assertThat(r.getResultCode()).isEqualTo(AccessResultCode.SUCCESS);
        return r.getResultData().getValue();
    }

    private static Instant midnight(LocalDate day) {
        return day.atStartOfDay(MeterTime.ZONE).toInstant();
    }

    private static Instant midnightOf(DataObject row) {
        return CosemDateTimes.decode(fields(row).get(0).getValue());
    }

    private static List<Long> valuesOf(DataObject row) {
        return fields(row).subList(1, 5).stream().map(MeterFixture::number).toList();
    }

    private static List<Long> expectedValues(Instant t) {
        Indexes i = meter.indexesAt(t);
        return List.of(i.importDayWh(), i.importNightWh(), i.exportDayWh(), i.exportNightWh());
    }
}
