package org.openhes.headend.interop.meter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openhes.headend.interop.meter.MeterFixture.attr;
import static org.openhes.headend.interop.meter.MeterFixture.fields;
import static org.openhes.headend.interop.meter.MeterFixture.number;
import static org.openhes.headend.interop.meter.MeterFixture.read;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmuc.jdlms.AccessResultCode;
import org.openmuc.jdlms.DlmsConnection;
import org.openmuc.jdlms.GetResult;
import org.openmuc.jdlms.ObisCode;
import org.openmuc.jdlms.datatypes.DataObject;
import org.openmuc.jdlms.datatypes.DataObject.Type;

/** jDLMS's client reads every attribute of the meter's objects over HLS5-GMAC through the counter front. */
class JdlmsClientReadTest {
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
    void jdlms_client_reads_the_four_registers_with_hls5_gmac() throws Exception {
        List<GetResult> values = management.get(List.of(
                attr(3, CosemObjects.IMPORT_DAY, 2), attr(3, CosemObjects.IMPORT_NIGHT, 2),
                attr(3, CosemObjects.EXPORT_DAY, 2), attr(3, CosemObjects.EXPORT_NIGHT, 2)));

        Indexes expected = meter.indexesAt(MeterFixture.WINTER_MORNING);
        assertThat(values).extracting(GetResult::getResultCode).containsOnly(AccessResultCode.SUCCESS);
        assertThat(values).extracting(r -> r.getResultData().getType()).containsOnly(Type.DOUBLE_LONG_UNSIGNED);
        assertThat(values).extracting(r -> number(r.getResultData())).containsExactly(
                expected.importDayWh(), expected.importNightWh(), expected.exportDayWh(), expected.exportNightWh());
        for (ObisCode register : List.of(CosemObjects.IMPORT_DAY, CosemObjects.IMPORT_NIGHT, CosemObjects.EXPORT_DAY,
                CosemObjects.EXPORT_NIGHT)) {
            assertThat(scalerUnit(read(management, 3, register, 3))).containsExactly(0L, 30L);
        }
    }

    @Test
    void jdlms_client_reads_active_power_and_the_gas_index_with_its_capture_time() throws Exception {
        Instant now = MeterFixture.WINTER_MORNING;
        assertThat(number(read(management, 3, CosemObjects.ACTIVE_POWER, 2))).isEqualTo(meter.model().activePowerAt(now));
        assertThat(scalerUnit(read(management, 3, CosemObjects.ACTIVE_POWER, 3))).containsExactly(0L, 27L);

        Instant lastHour = Instant.parse("2025-03-15T10:00:00Z");
        assertThat(number(read(management, 4, CosemObjects.GAS_INDEX, 2))).isEqualTo(meter.model().gasLitresAt(lastHour));
        assertThat(scalerUnit(read(management, 4, CosemObjects.GAS_INDEX, 3))).containsExactly(-3L, 13L);
        assertThat(read(management, 4, CosemObjects.GAS_INDEX, 4).getType()).isEqualTo(Type.UNSIGNED);
        byte[] captured = read(management, 4, CosemObjects.GAS_INDEX, 5).getValue();
        assertThat(CosemDateTimes.decode(captured)).isEqualTo(lastHour);
    }

    @Test
    void jdlms_client_reads_every_clock_attribute() throws Exception {
        byte[] time = read(management, 8, CosemObjects.CLOCK, 2).getValue();
        // 2025-03-15 Saturday 11:17:23.00, deviation -60 (CET), status 0 (no daylight saving)
        assertThat(time).containsExactly(0x07, 0xE9, 0x03, 0x0F, 0x06, 0x0B, 0x11, 0x17, 0x00, 0xFF, 0xC4, 0x00);
        assertThat(number(read(management, 8, CosemObjects.CLOCK, 3))).isEqualTo(-60);
        assertThat(number(read(management, 8, CosemObjects.CLOCK, 4))).isZero();
        assertThat(read(management, 8, CosemObjects.CLOCK, 5).<byte[]>getValue()).hasSize(12).startsWith(0xFF, 0xFF, 0x03, 0xFE, 0x07, 0x02);
        assertThat(read(management, 8, CosemObjects.CLOCK, 6).<byte[]>getValue()).hasSize(12).startsWith(0xFF, 0xFF, 0x0A, 0xFE, 0x07, 0x03);
        assertThat(number(read(management, 8, CosemObjects.CLOCK, 7))).isEqualTo(60);
        assertThat(read(management, 8, CosemObjects.CLOCK, 8).<Boolean>getValue()).isTrue();
        assertThat(number(read(management, 8, CosemObjects.CLOCK, 9))).isEqualTo(1);
    }

    @Test
    void jdlms_client_reads_the_disconnector_the_limiter_the_message_and_the_counter() throws Exception {
        assertThat(read(management, 70, CosemObjects.DISCONNECTOR, 2).<Boolean>getValue()).isTrue();
        assertThat(number(read(management, 70, CosemObjects.DISCONNECTOR, 3))).isEqualTo(Disconnector.CONNECTED);
        assertThat(number(read(management, 70, CosemObjects.DISCONNECTOR, 4))).isEqualTo(Disconnector.DEFAULT_CONTROL_MODE);

        List<DataObject> monitored = fields(read(management, 71, CosemObjects.LIMITER, 2));
        assertThat(number(monitored.get(0))).isEqualTo(3);
        assertThat(monitored.get(1).<byte[]>getValue()).isEqualTo(CosemObjects.ACTIVE_POWER.bytes());
        assertThat(number(monitored.get(2))).isEqualTo(2);
        for (int attribute = 3; attribute <= 7; attribute++) {
            assertThat(read(management, 71, CosemObjects.LIMITER, attribute).getType()).isEqualTo(Type.DOUBLE_LONG_UNSIGNED);
        }
        assertThat(number(read(management, 71, CosemObjects.LIMITER, 4))).isEqualTo(meter.state().thresholdNormalW());
        assertThat(fields(read(management, 71, CosemObjects.LIMITER, 8))).hasSize(3);
        assertThat(read(management, 71, CosemObjects.LIMITER, 9).getType()).isEqualTo(Type.ARRAY);
        assertThat(read(management, 71, CosemObjects.LIMITER, 10).<Boolean>getValue()).isFalse();
        assertThat(fields(read(management, 71, CosemObjects.LIMITER, 11))).hasSize(2);

        assertThat(read(management, 1, CosemObjects.MESSAGE, 2).getType()).isEqualTo(Type.OCTET_STRING);
        DataObject counter = read(management, 1, CosemObjects.INVOCATION_COUNTER, 2);
        assertThat(counter.getType()).isEqualTo(Type.DOUBLE_LONG_UNSIGNED);
        assertThat(number(counter)).isEqualTo(meter.state().counters().lastAccepted(ClientSaps.MANAGEMENT));
    }

    @Test
    void jdlms_client_reads_the_profile_attributes_besides_the_buffer() throws Exception {
        List<DataObject> columns = read(management, 7, CosemObjects.DAILY_PROFILE, 3).getValue();
        assertThat(columns).hasSize(5);
        assertThat(fields(columns.get(0))).extracting(MeterFixture::numberOrBytes)
                .containsExactly(8L, CosemObjects.CLOCK.bytes(), 2L, 0L);
        assertThat(fields(columns.get(1))).extracting(MeterFixture::numberOrBytes)
                .containsExactly(3L, CosemObjects.IMPORT_DAY.bytes(), 2L, 0L);
        assertThat(number(read(management, 7, CosemObjects.DAILY_PROFILE, 4))).isEqualTo(86_400);
        assertThat(number(read(management, 7, CosemObjects.DAILY_PROFILE, 5))).isEqualTo(1);
        assertThat(fields(read(management, 7, CosemObjects.DAILY_PROFILE, 6))).hasSize(4);
        assertThat(number(read(management, 7, CosemObjects.DAILY_PROFILE, 7))).isEqualTo(40);
        assertThat(number(read(management, 7, CosemObjects.DAILY_PROFILE, 8))).isEqualTo(40);
    }

    @Test
    void jdlms_client_reads_the_logical_device_name_and_the_logical_names() throws Exception {
        byte[] name = read(management, 1, new ObisCode(0, 0, 42, 0, 0, 255), 2).getValue();
        assertThat(new String(name, StandardCharsets.US_ASCII)).isEqualTo(meter.settings().logicalDeviceName());
        assertThat(read(management, 3, CosemObjects.IMPORT_DAY, 1).<byte[]>getValue()).isEqualTo(CosemObjects.IMPORT_DAY.bytes());
    }

    @Test
    void an_unknown_obis_code_is_object_undefined() throws Exception {
        GetResult r = management.get(attr(3, new ObisCode(1, 0, 1, 8, 9, 255), 2));
        assertThat(r.getResultCode()).isEqualTo(AccessResultCode.OBJECT_UNDEFINED);
    }

    private static List<Long> scalerUnit(DataObject structure) {
        return fields(structure).stream().map(MeterFixture::number).toList();
    }
}
