package org.openhes.headend.protocol.apdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gurux.dlms.GXArray;
import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXDateTime;
import gurux.dlms.GXStructure;
import gurux.dlms.enums.DataType;
import gurux.dlms.internal.GXCommon;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AxdrDataTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static byte[] gurux(DataType type, Object value) {
        GXByteBuffer bb = new GXByteBuffer();
        GXCommon.setData(null, bb, type, value);
        return bb.array();
    }

    @Test
    void acceptsWhatTheCodecEncodesAndEndsExactlyAfterIt() {
        GXStructure scalerUnit = new GXStructure();
        scalerUnit.add((byte) -3);
        scalerUnit.add(30);
        GXStructure row = new GXStructure();
        row.add(new GXDateTime(new java.util.Date(1_700_000_000_000L)));
        row.add(123_456_789L);
        row.add(new byte[] {1, 2, 3});
        row.add("visible");
        row.add(scalerUnit);
        GXArray rows = new GXArray();
        for (int i = 0; i < 40; i++) rows.add(row);
        Object[][] cases = {
                {DataType.UINT32, 123_456L}, {DataType.INT8, (byte) -1}, {DataType.UINT16, 65_000},
                {DataType.INT64, Long.MIN_VALUE}, {DataType.FLOAT64, 2.5d}, {DataType.BOOLEAN, true},
                {DataType.OCTET_STRING, new byte[300]}, {DataType.STRING, "x".repeat(200)},
                {DataType.ENUM, 3}, {DataType.STRUCTURE, row}, {DataType.ARRAY, rows}, {DataType.NONE, null},
        };
        for (Object[] c : cases) {
            byte[] encoded = gurux((DataType) c[0], c[1]);
            byte[] withTail = java.util.Arrays.copyOf(encoded, encoded.length + 3);
            assertThat(AxdrData.skip(withTail, 0, withTail.length)).as("%s", c[0]).isEqualTo(encoded.length);
        }
    }

    @Test
    void acceptsAWellFormedCompactArray() {
        // compact array of structures {long-unsigned, octet-string}: two rows of 2 + (1+2) bytes
        byte[] ok = hex("13 02 02 12 09 0A 0001 02AABB 0002 02CCDD");
        assertThat(AxdrData.skip(ok, 0, ok.length)).isEqualTo(ok.length);
    }

    @Test
    void refusesCompactArraysTheCodecWouldLoopOn() {
        // no columns: every row is empty and the codec adds rows forever (found by fuzzing)
        assertThatThrownBy(() -> AxdrData.check(hex("13 02 00 0C 00 00"), 0, 6))
                .isInstanceOf(MalformedApdu.class).hasMessageContaining("zero bytes wide");
        // a row cut short: the codec adds a row of nulls without consuming anything, forever (found by
        // the differential fuzz target)
        assertThatThrownBy(() -> AxdrData.check(hex("13 02 01 05 01 01"), 0, 6)).hasMessageContaining("middle of a row");
        assertThatThrownBy(() -> AxdrData.check(hex("13 02 02 12 09 04 0001 05AA"), 0, 10)).hasMessageContaining("middle of a row");
        // nested descriptions (the codec cannot read them; arrays in them would expand 65535^n times)
        assertThatThrownBy(() -> AxdrData.check(hex("13 02 01 01 FFFF 01 FFFF 11 00"), 0, 10))
                .hasMessageContaining("nested descriptions");
        // untyped elements (the codec would read tagged data, compact arrays included)
        assertThatThrownBy(() -> AxdrData.check(hex("13 00 02 1300"), 0, 5)).hasMessageContaining("not a simple type");
        // contents longer than the reply
        assertThatThrownBy(() -> AxdrData.check(hex("13 11 84 7FFFFFFF 01"), 0, 7)).hasMessageContaining("remain");
    }

    @Test
    void refusesCountsLargerThanTheBytesThatFollow() {
        assertThatThrownBy(() -> AxdrData.check(hex("01 84 7FFFFFFF 00"), 0, 7))
                .hasMessageContaining("array of 2147483647 elements in 1 bytes");
        assertThatThrownBy(() -> AxdrData.check(hex("09 82 FFFF 00"), 0, 5)).hasMessageContaining("65535 bytes");
        assertThatThrownBy(() -> AxdrData.check(hex("04 84 FFFFFFFF"), 0, 6)).hasMessageContaining("bit string");
        assertThatThrownBy(() -> AxdrData.check(hex("09 85 0000000001"), 0, 7)).hasMessageContaining("length of 5 bytes");
    }

    @Test
    void refusesDeepNestingUnknownTypesAndTruncation() {
        byte[] deep = new byte[2 * 40 + 1];
        for (int i = 0; i < 40; i++) {
            deep[2 * i] = 2;
            deep[2 * i + 1] = 1;
        }
        assertThatThrownBy(() -> AxdrData.check(deep, 0, deep.length)).hasMessageContaining("deeper than 32");
        assertThatThrownBy(() -> AxdrData.check(hex("07 00"), 0, 2)).hasMessageContaining("unknown data type 7");
        assertThatThrownBy(() -> AxdrData.check(hex("FF"), 0, 1)).hasMessageContaining("unknown data type 255");
        assertThatThrownBy(() -> AxdrData.check(hex("06 0000"), 0, 3)).hasMessageContaining("4 bytes where 2 remain");
        assertThatThrownBy(() -> AxdrData.check(hex("02 02 11 01"), 0, 4)).hasMessageContaining("truncated");
    }
}
