package org.openhes.headend.interop.meter;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.openmuc.jdlms.datatypes.DataObject;

/**
 * The daily profile's buffer: one row per local midnight, the last {@link #ENTRIES} midnights at or
 * before the meter's time, oldest first, each computed from the consumption model at that midnight.
 * Columns: clock, then the four energy indexes.
 */
final class DailyProfileRows {
    static final int ENTRIES = 40;
    static final List<CaptureObject> COLUMNS = List.of(
            new CaptureObject(8, CosemObjects.CLOCK, 2, 0),
            new CaptureObject(3, CosemObjects.IMPORT_DAY, 2, 0),
            new CaptureObject(3, CosemObjects.IMPORT_NIGHT, 2, 0),
            new CaptureObject(3, CosemObjects.EXPORT_DAY, 2, 0),
            new CaptureObject(3, CosemObjects.EXPORT_NIGHT, 2, 0));

    /** One captured row. Column 0 compares as an instant, the others as numbers. */
    record Row(Instant midnight, Indexes indexes) implements ProfileRow {
        @Override
        public Comparable<?> key(int column) {
            return switch (column) {
                case 0 -> midnight;
                case 1 -> indexes.importDayWh();
                case 2 -> indexes.importNightWh();
                case 3 -> indexes.exportDayWh();
                case 4 -> indexes.exportNightWh();
                default -> throw new IllegalArgumentException("no column " + column);
            };
        }

        @Override
        public DataObject cell(int column) {
            return column == 0
                    ? DataObject.newOctetStringData(CosemDateTimes.encode(midnight))
                    : DataObject.newUInteger32Data((Long) key(column));
        }
    }

    private final ConsumptionModel model;
    private final MeterTime time;

    DailyProfileRows(ConsumptionModel model, MeterTime time) {
        this.model = model;
        this.time = time;
    }

    List<Row> rows() {
        LocalDate today = time.localNow().toLocalDate();
        List<Row> rows = new ArrayList<>(ENTRIES);
        for (int back = ENTRIES - 1; back >= 0; back--) {
            Instant midnight = today.minusDays(back).atStartOfDay(MeterTime.ZONE).toInstant();
            rows.add(new Row(midnight, model.indexesAt(midnight)));
        }
        return rows;
    }
}
