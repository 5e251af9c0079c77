package org.openhes.headend.interop.meter;

import java.util.function.LongSupplier;
import org.openmuc.jdlms.AttributeAccessMode;
import org.openmuc.jdlms.CosemAttribute;
import org.openmuc.jdlms.CosemClass;
import org.openmuc.jdlms.CosemInterfaceObject;
import org.openmuc.jdlms.ObisCode;
import org.openmuc.jdlms.datatypes.DataObject;
import org.openmuc.jdlms.datatypes.DataObject.Type;

/** Interface class 3 (Register): a double-long-unsigned value with scaler 0 and a fixed unit. */
@CosemClass(id = 3)
public final class RegisterObject extends CosemInterfaceObject {
    @CosemAttribute(id = 2, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject value;

    @CosemAttribute(id = 3, type = Type.STRUCTURE, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject scalerUnit;

    private final LongSupplier reading;
    private final int unit;

    RegisterObject(ObisCode obis, int unit, LongSupplier reading, AccessPolicy policy) {
        super(obis, policy);
        this.unit = unit;
        this.reading = reading;
    }

    public DataObject getValue() {
        return DataObject.newUInteger32Data(reading.getAsLong());
    }

    public DataObject getScalerUnit() {
        return scalerUnit(0, unit);
    }

    static DataObject scalerUnit(int scaler, int unit) {
        return DataObject.newStructureData(DataObject.newInteger8Data((byte) scaler), DataObject.newEnumerateData(unit));
    }
}
