package org.openhes.headend.simulator;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXDLMSSettings;
import gurux.dlms.ValueEventArgs;
import gurux.dlms.enums.DataType;
import gurux.dlms.enums.ErrorCode;
import gurux.dlms.internal.GXCommon;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import java.util.List;

/**
 * Answers to a profile generic's buffer read by entry (selector 2), shared by the simulated profiles:
 * Gurux 4.0.47 reads to_entry and to_selected_value as counts, so the answer is encoded here.
 */
final class ProfileEntries {
    private ProfileEntries() {
    }

    /**
     * Entry descriptor {from_entry, to_entry, from_selected_value, to_selected_value}, all 1-based and
     * inclusive; to_entry 0 is the newest row, to_selected_value 0 the last column. Entries past the buffer
     * give fewer (or no) rows; columns outside the capture objects are refused with other-reason.
     */
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
        GXByteBuffer bb = new GXByteBuffer();
        bb.setUInt8(DataType.ARRAY.getValue());
        GXCommon.setObjectCount(selected.size(), bb);
        for (Object[] row : selected) {
            bb.setUInt8(DataType.STRUCTURE.getValue());
            GXCommon.setObjectCount((int) (toColumn - fromColumn + 1), bb);
            for (int c = (int) fromColumn - 1; c < toColumn; c++) {
                var column = profile.getCaptureObjects().get(c);
                GXCommon.setData(settings, bb, column.getKey().getDataType(column.getValue().getAttributeIndex()), row[c]);
            }
        }
        answer(e, ErrorCode.OK, bb.array());
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
