package org.openhes.headend.interop.meter;

import org.openmuc.jdlms.AttributeAccessMode;
import org.openmuc.jdlms.CosemAttribute;
import org.openmuc.jdlms.CosemClass;
import org.openmuc.jdlms.CosemInterfaceObject;
import org.openmuc.jdlms.ObisCode;
import org.openmuc.jdlms.datatypes.DataObject;
import org.openmuc.jdlms.datatypes.DataObject.Type;

/**
 * Interface class 4 (Extended register) for the M-Bus gas index: the value the gas meter sent at its
 * last hourly report, in litres (scaler -3, unit m3), with that report's time as capture_time.
 */
@CosemClass(id = 4)
public final class GasRegisterObject extends CosemInterfaceObject {
    @CosemAttribute(id = 2, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject value;

    @CosemAttribute(id = 3, type = Type.STRUCTURE, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject scalerUnit;

    @CosemAttribute(id = 4, type = Type.UNSIGNED, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject status;

    @CosemAttribute(id = 5, type = Type.OCTET_STRING, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject captureTime;

    private final ConsumptionModel model;
    private final MeterTime time;

    GasRegisterObject(ObisCode obis, ConsumptionModel model, MeterTime time, AccessPolicy policy) {
        super(obis, policy);
        this.model = model;
        this.time = time;
    }

    public DataObject getValue() {
        return DataObject.newUInteger32Data(model.gasLitresAt(model.gasCaptureTime(time.now())));
    }

    public DataObject getScalerUnit() {
        return RegisterObject.scalerUnit(-3, CosemObjects.UNIT_M3);
    }

    /** 0: the last M-Bus report was received without error. */
    public DataObject getStatus() {
        return DataObject.newUInteger8Data((short) 0);
    }

    public DataObject getCaptureTime() {
        return DataObject.newOctetStringData(CosemDateTimes.encode(model.gasCaptureTime(time.now())));
    }
}
