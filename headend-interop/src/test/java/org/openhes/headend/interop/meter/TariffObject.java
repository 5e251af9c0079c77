package org.openhes.headend.interop.meter;

import org.openmuc.jdlms.AttributeAccessMode;
import org.openmuc.jdlms.CosemAttribute;
import org.openmuc.jdlms.CosemClass;
import org.openmuc.jdlms.CosemInterfaceObject;
import org.openmuc.jdlms.ObisCode;
import org.openmuc.jdlms.datatypes.DataObject;
import org.openmuc.jdlms.datatypes.DataObject.Type;

/** Interface class 1 (Data) 0-0:96.14.0.255: the current tariff, 1 (day) or 2 (night), at the meter's time. */
@CosemClass(id = 1)
public final class TariffObject extends CosemInterfaceObject {
    @CosemAttribute(id = 2, type = Type.UNSIGNED, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject value;

    private final ConsumptionModel model;
    private final MeterTime time;

    TariffObject(ObisCode obis, ConsumptionModel model, MeterTime time, AccessPolicy policy) {
        super(obis, policy);
        this.model = model;
        this.time = time;
    }

    public DataObject getValue() {
        return DataObject.newUInteger8Data((short) (model.isDayTariff(time.now()) ? 1 : 2));
    }
}
