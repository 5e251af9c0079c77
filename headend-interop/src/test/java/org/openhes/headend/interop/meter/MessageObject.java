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
 * Interface class 1 (Data): the message shown to the customer, an octet-string of at most 64 bytes.
 * Another type is type-unmatched; a longer text is other-reason (the Blue Book has no "too long").
 */
@CosemClass(id = 1)
public final class MessageObject extends CosemInterfaceObject {
    @CosemAttribute(id = 2, type = Type.OCTET_STRING, accessMode = AttributeAccessMode.READ_AND_WRITE)
    private DataObject value;

    private final MeterState state;

    MessageObject(ObisCode obis, MeterState state, AccessPolicy policy) {
        super(obis, policy);
        this.state = state;
    }

    public DataObject getValue() {
        return DataObject.newOctetStringData(state.message());
    }

    public void setValue(DataObject text) throws IllegalAttributeAccessException {
        if (text.getType() != Type.OCTET_STRING) {
            throw new IllegalAttributeAccessException(AccessResultCode.TYPE_UNMATCHED);
        }
        byte[] bytes = text.getValue();
        if (bytes.length > MeterState.MESSAGE_MAX_BYTES) {
            throw new IllegalAttributeAccessException(AccessResultCode.OTHER_REASON);
        }
        state.setMessage(bytes);
    }
}
