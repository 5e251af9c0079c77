package org.openhes.headend.interop.meter;

import org.openmuc.jdlms.AccessResultCode;
import org.openmuc.jdlms.AttributeAccessMode;
import org.openmuc.jdlms.CosemAttribute;
import org.openmuc.jdlms.CosemClass;
import org.openmuc.jdlms.CosemInterfaceObject;
import org.openmuc.jdlms.IllegalAttributeAccessException;
import org.openmuc.jdlms.ObisCode;
import org.openmuc.jdlms.datatypes.DataObject;
import org.openmuc.jdlms.datatypes.DataObject.Type;

/**
 * Interface class 1 (Data) 0-0:97.98.0.255: the alarm register, a double-long-unsigned bit mask the
 * head-end may overwrite (0 clears it). Any other type is type-unmatched, as strict meters answer.
 */
@CosemClass(id = 1)
public final class AlarmRegisterObject extends CosemInterfaceObject {
    @CosemAttribute(id = 2, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_AND_WRITE)
    private DataObject value;

    private final MeterState state;

    AlarmRegisterObject(ObisCode obis, MeterState state, AccessPolicy policy) {
        super(obis, policy);
        this.state = state;
    }

    public DataObject getValue() {
        return DataObject.newUInteger32Data(state.alarmRegister());
    }

    public void setValue(DataObject bits) throws IllegalAttributeAccessException {
        if (bits.getType() != Type.DOUBLE_LONG_UNSIGNED) {
            throw new IllegalAttributeAccessException(AccessResultCode.TYPE_UNMATCHED);
        }
        state.setAlarmRegister(((Number) bits.getValue()).longValue());
    }
}
