package org.openhes.headend.interop.meter;

import java.util.List;
import java.util.function.Supplier;
import org.openmuc.jdlms.AttributeAccessMode;
import org.openmuc.jdlms.CosemAttribute;
import org.openmuc.jdlms.CosemClass;
import org.openmuc.jdlms.CosemInterfaceObject;
import org.openmuc.jdlms.IllegalAttributeAccessException;
import org.openmuc.jdlms.ObisCode;
import org.openmuc.jdlms.SelectiveAccessDescription;
import org.openmuc.jdlms.datatypes.DataObject;
import org.openmuc.jdlms.datatypes.DataObject.Type;

/** Interface class 7 (Profile generic), version 1, as an event log: captured when something happens (period 0), fifo. */
@CosemClass(id = 7, version = 1)
public final class EventLogObject extends CosemInterfaceObject {
    @CosemAttribute(id = 2, type = Type.ARRAY, accessMode = AttributeAccessMode.READ_ONLY,
            selector = {ProfileSelection.BY_RANGE, ProfileSelection.BY_ENTRY})
    private DataObject buffer;

    @CosemAttribute(id = 3, type = Type.ARRAY, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject captureObjects;

    @CosemAttribute(id = 4, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject capturePeriod;

    @CosemAttribute(id = 5, type = Type.ENUMERATE, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject sortMethod;

    @CosemAttribute(id = 7, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject entriesInUse;

    @CosemAttribute(id = 8, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject profileEntries;

    private final Supplier<List<? extends ProfileRow>> rows;
    private final List<CaptureObject> columns;
    private final int capacity;

    EventLogObject(ObisCode obis, Supplier<List<? extends ProfileRow>> rows, List<CaptureObject> columns, int capacity, AccessPolicy policy) {
        super(obis, policy);
        this.rows = rows;
        this.columns = columns;
        this.capacity = capacity;
    }

    /** jDLMS passes null when the client asked for no selective access. */
    public DataObject getBuffer(SelectiveAccessDescription access) throws IllegalAttributeAccessException {
        return ProfileSelection.select(rows.get(), columns, access);
    }

    public DataObject getCaptureObjects() {
        return DataObject.newArrayData(columns.stream().map(CaptureObject::toDataObject).toList());
    }

    public DataObject getCapturePeriod() {
        return DataObject.newUInteger32Data(0);
    }

    public DataObject getSortMethod() {
        return DataObject.newEnumerateData(DailyProfileObject.FIFO);
    }

    public DataObject getEntriesInUse() {
        return DataObject.newUInteger32Data(rows.get().size());
    }

    public DataObject getProfileEntries() {
        return DataObject.newUInteger32Data(capacity);
    }
}
