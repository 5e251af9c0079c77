package org.openhes.headend.interop.meter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.openmuc.jdlms.ObisCode;
import org.openmuc.jdlms.datatypes.DataObject;

/**
 * The disconnector control log's buffer: one row per remote operation of the breaker, by the meter's
 * time, with its IDIS event code (62 remote disconnection, 63 remote connection, 59 ready for manual
 * reconnection), the newest {@link #ENTRIES} kept, oldest first.
 */
public final class DisconnectorLog {
    static final int ENTRIES = 100;
    static final ObisCode EVENT_CODE = new ObisCode(0, 0, 96, 11, 2, 255);
    static final List<CaptureObject> COLUMNS = List.of(
            new CaptureObject(8, CosemObjects.CLOCK, 2, 0),
            new CaptureObject(1, EVENT_CODE, 2, 0));

    /** One logged operation. */
    public record Entry(Instant at, int code) implements ProfileRow {
        @Override
        public Comparable<?> key(int column) {
            return column == 0 ? at : Long.valueOf(code);
        }

        @Override
        public DataObject cell(int column) {
            return column == 0 ? DataObject.newOctetStringData(CosemDateTimes.encode(at)) : DataObject.newUInteger8Data((short) code);
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void record(Instant at, int code) {
        entries.add(new Entry(at, code));
        if (entries.size() > ENTRIES) entries.remove(0);
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }
}
