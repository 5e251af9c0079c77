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

/**
 * Interface class 7 (Profile generic), version 1, fifo (oldest row first), over rows computed on each
 * read: the daily values (captured at local midnight) and the event logs (captured when something
 * happens: period 0).
 */
@CosemClass(id = 7, version = 1)
public final class ProfileGenericObject extends CosemInterfaceObject {
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

    private final Supplier<List<? extends ProfileRow>> rows;
    private final List<CaptureObject> columns;
    private final long capturePeriodSeconds;
    private final int capacity;

    ProfileGenericObject(ObisCode obis, Supplier<List<? extends ProfileRow>> rows, List<CaptureObject> columns, long capturePeriodSeconds,
                         int capacity, AccessPolicy policy) {
        super(obis, policy);
        this.rows = rows;
        this.columns = columns;
        this.capturePeriodSeconds = capturePeriodSeconds;
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
        return DataObject.newUInteger32Data(capturePeriodSeconds);
    }

    public DataObject getSortMethod() {
        return DataObject.newEnumerateData(FIFO);
    }

    /** No sort object: an all-zero definition, as fifo profiles report. */
    public DataObject getSortObject() {
        return new CaptureObject(0, new ObisCode(0, 0, 0, 0, 0, 0), 0, 0).toDataObject();
    }

    public DataObject getEntriesInUse() {
        return DataObject.newUInteger32Data(rows.get().size());
    }

    public DataObject getProfileEntries() {
        return DataObject.newUInteger32Data(capacity);
    }
}
