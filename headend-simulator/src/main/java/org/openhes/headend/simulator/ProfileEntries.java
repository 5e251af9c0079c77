package org.openhes.headend.simulator;

import gurux.dlms.GXDLMSClient;
import gurux.dlms.GXDateTime;
import java.time.Instant;
import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXDLMSSettings;
import gurux.dlms.ValueEventArgs;
import gurux.dlms.enums.DataType;
import gurux.dlms.enums.ErrorCode;
import gurux.dlms.internal.GXCommon;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import java.util.List;

/**
 * Answers to a profile generic's buffer read, shared by the simulated profiles. By entry (selector 2):
 * Gurux 4.0.47 reads to_entry and to_selected_value as counts, so the answer is encoded here. By range
 * (selector 1) of all columns: the rows in [from, to] as Gurux selects them, encoded here too, into a
 * buffer sized for them: Gurux's own encoder grows its buffer 10 bytes at a time, which made a day of
 * 15-minute rows cost the simulated meter more CPU than the head-end's whole session.
 */
final class ProfileEntries {
    private ProfileEntries() {
    }

    /**
     * Answers a read of the profile's buffer from {@code rows}: refused by range when the meter offers
     * entries only, by entry here, otherwise (all rows, or a range Gurux filters) as the buffer.
     */
    static void serve(ValueEventArgs e, GXDLMSProfileGeneric profile, List<Object[]> rows, boolean byEntryOnly, GXDLMSSettings settings) {
        if (e.getSelector() == 1 && byEntryOnly) {
            refuse(e);
        } else if (e.getSelector() == 2) {
            answer(e, profile, rows, settings);
        } else if (e.getSelector() == 1 && allColumns(e) && range(e, settings).isPresent()) {
            Instant[] r = range(e, settings).get();
            List<Object[]> selected = rows.stream().filter(row -> inRange(row[profile.getSortObjectDataIndex()], r)).toList();
            answer(e, ErrorCode.OK, encode(profile, selected, 1, profile.getCaptureObjects().size(), settings));
        } else {
            profile.clearBuffer();
            profile.addBuffer(rows);
        }
    }

    /**
     * Entry descriptor {from_entry, to_entry, from_selected_value, to_selected_value}, all 1-based and
     * inclusive; to_entry 0 is the newest row, to_selected_value 0 the last column. Entries past the buffer
     * give fewer (or no) rows; columns outside the capture objects are refused with other-reason.
     */
    /**
     * The [from, to] of a read by range (selector 1: {restricting object, from, to, columns}, the dates as
     * octet strings), decoded as Gurux decodes them when it filters the buffer; empty for any other read
     * or a value it cannot decode.
     */
    static java.util.Optional<Instant[]> range(ValueEventArgs e, GXDLMSSettings settings) {
        if (e.getSelector() != 1 || !(e.getParameters() instanceof List<?> p) || p.size() < 3) return java.util.Optional.empty();
        try {
            Instant from = instant(p.get(1), settings), to = instant(p.get(2), settings);
            return from == null || to == null ? java.util.Optional.empty() : java.util.Optional.of(new Instant[] {from, to});
        } catch (RuntimeException unreadable) {
            return java.util.Optional.empty();
        }
    }

    private static Instant instant(Object value, GXDLMSSettings settings) {
        Object v = value instanceof byte[] b ? GXDLMSClient.changeType(b, DataType.DATETIME, settings.getUseUtc2NormalTime()) : value;
        return v instanceof GXDateTime t && t.getValue() != null ? t.getMeterCalendar().getTime().toInstant() : null;
    }

    static void answer(ValueEventArgs e, GXDLMSProfileGeneric profile, List<Object[]> rows, GXDLMSSettings settings) {
        List<?> p = (List<?>) e.getParameters();
        long fromEntry = Math.max(1, number(p, 0)), toEntry = number(p, 1);
        int columns = profile.getCaptureObjects().size();
        long fromColumn = Math.max(1, number(p, 2)), toColumn = number(p, 3);
        if (toEntry == 0 || toEntry > rows.size()) toEntry = rows.size();
        if (toColumn == 0) toColumn = columns;
        if (fromColumn > toColumn || toColumn > columns) {
            refuse(e);
            return;
        }
        List<Object[]> selected = fromEntry > toEntry ? List.of() : rows.subList((int) fromEntry - 1, (int) toEntry);
        answer(e, ErrorCode.OK, encode(profile, selected, (int) fromColumn, (int) toColumn, settings));
    }

    /** The rows as an array of structures of columns [fromColumn, toColumn] (1-based), in the capture objects' types. */
    private static byte[] encode(GXDLMSProfileGeneric profile, List<Object[]> rows, int fromColumn, int toColumn, GXDLMSSettings settings) {
        int columns = toColumn - fromColumn + 1;
        GXByteBuffer bb = new GXByteBuffer(8 + rows.size() * (4 + columns * 14)); // a date-time is 13 bytes with its tag
        bb.setUInt8(DataType.ARRAY.getValue());
        GXCommon.setObjectCount(rows.size(), bb);
        for (Object[] row : rows) {
            bb.setUInt8(DataType.STRUCTURE.getValue());
            GXCommon.setObjectCount(columns, bb);
            for (int c = fromColumn - 1; c < toColumn; c++) {
                var column = profile.getCaptureObjects().get(c);
                GXCommon.setData(settings, bb, column.getKey().getDataType(column.getValue().getAttributeIndex()), row[c]);
            }
        }
        return bb.array();
    }

    /** A range read of every column: its selected_values (the fourth parameter) absent or empty. */
    private static boolean allColumns(ValueEventArgs e) {
        List<?> p = (List<?>) e.getParameters();
        return p.size() < 4 || p.get(3) == null || p.get(3) instanceof List<?> l && l.isEmpty();
    }

    /** Gurux's test: the row's sort column, a date-time, in [from, to]. */
    private static boolean inRange(Object sortValue, Instant[] range) {
        if (!(sortValue instanceof GXDateTime t)) return false;
        Instant at = t.getMeterCalendar().getTime().toInstant();
        return !at.isBefore(range[0]) && !at.isAfter(range[1]);
    }

    /** Refuses the read with other-reason (a meter that offers no such access). */
    static void refuse(ValueEventArgs e) {
        answer(e, ErrorCode.OTHER_REASON, new byte[0]);
    }

    private static long number(List<?> parameters, int i) {
        return parameters.size() > i && parameters.get(i) instanceof Number n ? n.longValue() : 0;
    }

    private static void answer(ValueEventArgs e, ErrorCode result, byte[] encoded) {
        e.setError(result);
        e.setValue(encoded);
        e.setByteArray(true);
        e.setHandled(true);
    }
}
