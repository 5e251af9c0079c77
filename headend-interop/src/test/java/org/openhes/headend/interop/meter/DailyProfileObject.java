package org.openhes.headend.interop.meter;

import org.openmuc.jdlms.AttributeAccessMode;
import org.openmuc.jdlms.CosemAttribute;
import org.openmuc.jdlms.CosemClass;
import org.openmuc.jdlms.CosemInterfaceObject;
import org.openmuc.jdlms.IllegalAttributeAccessException;
import org.openmuc.jdlms.ObisCode;
import org.openmuc.jdlms.SelectiveAccessDescription;
import org.openmuc.jdlms.datatypes.DataObject;
import org.openmuc.jdlms.datatypes.DataObject.Type;

/** Interface class 7 (Profile generic), version 1: the daily values, captured at local midnight. */
@CosemClass(id = 7, version = 1)
public final class DailyProfileObject extends CosemInterfaceObject {
    static final long CAPTURE_PERIOD_S = 86_400;
    /** sort_method fifo: oldest row first. */
    static final int FIFO = 1;

    @CosemAttribute(id = 2, type = Type.ARRAY, accessMode = AttributeAccessMode.READ_ONLY,
            selector = {ProfileSelection.BY_RANGE, ProfileSelection.BY_ENTRY})
    private DataObject buffer;

    @CosemAttribute(id = 3, type = Type.ARRAY, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject captureObjects;

    @CosemAttribute(id = 4, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject capturePeriod;

    @CosemAttribute(id = 5, type = Type.ENUMERATE, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject sortMethod;

    @CosemAttribute(id = 6, type = Type.STRUCTURE, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject sortObject;

    @CosemAttribute(id = 7, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject entriesInUse;

    @CosemAttribute(id = 8, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject profileEntries;

    private final DailyProfileRows rows;

    DailyProfileObject(ObisCode obis, DailyProfileRows rows, AccessPolicy policy) {
        super(obis, policy);
        this.rows = rows;
    }

    /** jDLMS passes null when the client asked for no selective access. */
    public DataObject getBuffer(SelectiveAccessDescription access) throws IllegalAttributeAccessException {
        return ProfileSelection.select(rows.rows(), DailyProfileRows.COLUMNS, access);
    }

    public DataObject getCaptureObjects() {
        return DataObject.newArrayData(DailyProfileRows.COLUMNS.stream().map(CaptureObject::toDataObject).toList());
    }

    public DataObject getCapturePeriod() {
        return DataObject.newUInteger32Data(CAPTURE_PERIOD_S);
    }

    public DataObject getSortMethod() {
        return DataObject.newEnumerateData(FIFO);
    }

    /** No sort object: an all-zero definition, as fifo profiles report. */
    public DataObject getSortObject() {
        return new CaptureObject(0, new ObisCode(0, 0, 0, 0, 0, 0), 0, 0).toDataObject();
    }

    public DataObject getEntriesInUse() {
        return DataObject.newUInteger32Data(DailyProfileRows.ENTRIES);
    }

    public DataObject getProfileEntries() {
        return DataObject.newUInteger32Data(DailyProfileRows.ENTRIES);
    }
}
