package org.openhes.headend.interop.meter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.openmuc.jdlms.AccessResultCode;
import org.openmuc.jdlms.IllegalAttributeAccessException;
import org.openmuc.jdlms.SelectiveAccessDescription;
import org.openmuc.jdlms.datatypes.CosemDateTime;
import org.openmuc.jdlms.datatypes.DataObject;
import org.openmuc.jdlms.datatypes.DataObject.Type;

/**
 * Selective access to a profile buffer (Blue Book, class 7 attribute 2). Selector 1, range_descriptor
 * {restricting_object, from_value, to_value, selected_values}: rows whose restricting column lies in
 * [from, to], both ends included. Selector 2, entry_descriptor {from_entry, to_entry,
 * from_selected_value, to_selected_value}: 1-based rows and columns, 0 as a "to" meaning the last.
 * Columns come back in capture order. Any profile: its rows and capture objects are given. A malformed descriptor is type-unmatched; one naming a column
 * the profile does not capture, or an entry number 0, is scope-of-access-violated.
 */
final class ProfileSelection {
    static final int BY_RANGE = 1;
    static final int BY_ENTRY = 2;

    private ProfileSelection() {
    }

    static DataObject select(List<? extends ProfileRow> rows, List<CaptureObject> capture, SelectiveAccessDescription access)
            throws IllegalAttributeAccessException {
        int columns = capture.size();
        if (access == null) {
            return table(rows, IntStream.range(0, columns).boxed().toList());
        }
        return switch (access.getAccessSelector()) {
            case BY_RANGE -> byRange(rows, capture, fields(access.getAccessParameter(), 4));
            case BY_ENTRY -> byEntry(rows, capture.size(), fields(access.getAccessParameter(), 4));
            default -> throw refused(AccessResultCode.SCOPE_OF_ACCESS_VIOLATED);
        };
    }

    private static DataObject byRange(List<? extends ProfileRow> rows, List<CaptureObject> capture, List<DataObject> d)
            throws IllegalAttributeAccessException {
        int restricting = columnNamedBy(capture, d.get(0));
        Comparable<Object> from = boundary(restricting, d.get(1));
        Comparable<Object> to = boundary(restricting, d.get(2));
        List<Integer> columns = selectedColumns(capture, d.get(3));
        List<ProfileRow> kept = new ArrayList<>();
        for (ProfileRow row : rows) {
            Object key = row.key(restricting);
            if (from.compareTo(key) <= 0 && to.compareTo(key) >= 0) {
                kept.add(row);
            }
        }
        return table(kept, columns);
    }

    private static DataObject byEntry(List<? extends ProfileRow> rows, int columns, List<DataObject> d)
            throws IllegalAttributeAccessException {
        long fromEntry = number(d.get(0));
        long toEntry = number(d.get(1));
        long fromColumn = number(d.get(2));
        long toColumn = number(d.get(3));
        if (fromEntry < 1 || fromColumn < 1 || fromColumn > columns) {
            throw refused(AccessResultCode.SCOPE_OF_ACCESS_VIOLATED);
        }
        long lastEntry = toEntry == 0 ? rows.size() : Math.min(toEntry, rows.size());
        long lastColumn = toColumn == 0 ? columns : Math.min(toColumn, columns);
        List<? extends ProfileRow> kept = fromEntry > lastEntry
                ? List.of() : rows.subList((int) fromEntry - 1, (int) lastEntry);
        List<Integer> picked = IntStream.rangeClosed((int) fromColumn, (int) Math.max(fromColumn - 1, lastColumn))
                .map(c -> c - 1).boxed().toList();
        return table(kept, picked);
    }

    private static DataObject table(List<? extends ProfileRow> rows, List<Integer> columns) {
        List<DataObject> out = new ArrayList<>(rows.size());
        for (ProfileRow row : rows) {
            List<DataObject> cells = new ArrayList<>(columns.size());
            for (int c : columns) {
                cells.add(row.cell(c));
            }
            out.add(DataObject.newStructureData(cells));
        }
        return DataObject.newArrayData(out);
    }

    private static int columnNamedBy(List<CaptureObject> capture, DataObject definition) throws IllegalAttributeAccessException {
        for (int c = 0; c < capture.size(); c++) {
            if (capture.get(c).isNamedBy(definition)) {
                return c;
            }
        }
        throw refused(definition.getType() == Type.STRUCTURE
                ? AccessResultCode.SCOPE_OF_ACCESS_VIOLATED : AccessResultCode.TYPE_UNMATCHED);
    }

    private static List<Integer> selectedColumns(List<CaptureObject> capture, DataObject selected) throws IllegalAttributeAccessException {
        if (selected.getType() != Type.ARRAY) {
            throw refused(AccessResultCode.TYPE_UNMATCHED);
        }
        List<DataObject> named = selected.getValue();
        List<Integer> columns = new ArrayList<>();
        for (int c = 0; c < capture.size(); c++) {
            boolean wanted = named.isEmpty();
            for (DataObject definition : named) {
                wanted |= capture.get(c).isNamedBy(definition);
            }
            if (wanted) {
                columns.add(c);
            }
        }
        for (DataObject definition : named) {
            columnNamedBy(capture, definition);
        }
        return columns;
    }

    /** A range end, as the restricting column's type: date-time for the clock, a number otherwise. */
    @SuppressWarnings("unchecked")
    private static Comparable<Object> boundary(int column, DataObject value) throws IllegalAttributeAccessException {
        if (column != 0) {
            return (Comparable<Object>) (Comparable<?>) number(value);
        }
        byte[] raw = switch (value.getType()) {
            case OCTET_STRING -> value.getValue();
            case DATE_TIME -> value.<CosemDateTime>getValue().encode();
            default -> throw refused(AccessResultCode.TYPE_UNMATCHED);
        };
        try {
            Instant at = CosemDateTimes.decode(raw);
            return (Comparable<Object>) (Comparable<?>) at;
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw refused(AccessResultCode.TYPE_UNMATCHED);
        }
    }

    private static List<DataObject> fields(DataObject descriptor, int count) throws IllegalAttributeAccessException {
        if (descriptor == null || descriptor.getType() != Type.STRUCTURE || descriptor.<List<DataObject>>getValue().size() != count) {
            throw refused(AccessResultCode.TYPE_UNMATCHED);
        }
        return descriptor.getValue();
    }

    private static long number(DataObject d) throws IllegalAttributeAccessException {
        if (!d.isNumber()) {
            throw refused(AccessResultCode.TYPE_UNMATCHED);
        }
        return ((Number) d.getValue()).longValue();
    }

    private static IllegalAttributeAccessException refused(AccessResultCode code) {
        return new IllegalAttributeAccessException(code);
    }
}
