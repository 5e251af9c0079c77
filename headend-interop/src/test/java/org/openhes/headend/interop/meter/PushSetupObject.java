package org.openhes.headend.interop.meter;

import java.util.List;
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
 * Interface class 40 (Push setup), the alarm push 0-4:25.9.0.255: pushes the alarm register with the
 * clock. send_destination_and_method must be a structure {enum transport, octet-string destination, enum
 * message}; the retry attributes must be long-unsigned, unsigned and long-unsigned: any other shape is
 * type-unmatched, as strict meters answer.
 */
@CosemClass(id = 40)
public final class PushSetupObject extends CosemInterfaceObject {
    private static final ObisCode ALARM_REGISTER = new ObisCode(0, 0, 97, 98, 0, 255);

    @CosemAttribute(id = 2, type = Type.ARRAY, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject pushObjectList;

    @CosemAttribute(id = 3, type = Type.STRUCTURE, accessMode = AttributeAccessMode.READ_AND_WRITE)
    private DataObject sendDestinationAndMethod;

    @CosemAttribute(id = 4, type = Type.ARRAY, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject communicationWindow;

    @CosemAttribute(id = 5, type = Type.LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_AND_WRITE)
    private DataObject randomisationStartInterval;

    @CosemAttribute(id = 6, type = Type.UNSIGNED, accessMode = AttributeAccessMode.READ_AND_WRITE)
    private DataObject numberOfRetries;

    @CosemAttribute(id = 7, type = Type.LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_AND_WRITE)
    private DataObject repetitionDelay;

    private final PushSetup setup;

    PushSetupObject(ObisCode obis, PushSetup setup, AccessPolicy policy) {
        super(obis, policy);
        this.setup = setup;
    }

    /** {class, logical name, attribute, data index} of the clock and the alarm register. */
    public DataObject getPushObjectList() {
        return DataObject.newArrayData(List.of(captured(8, CosemObjects.CLOCK, 2), captured(1, ALARM_REGISTER, 2)));
    }

    private static DataObject captured(int classId, ObisCode obis, int attribute) {
        return DataObject.newStructureData(DataObject.newUInteger16Data(classId), DataObject.newOctetStringData(obis.bytes()),
                DataObject.newInteger8Data((byte) attribute), DataObject.newUInteger16Data(0));
    }

    public DataObject getSendDestinationAndMethod() {
        return DataObject.newStructureData(DataObject.newEnumerateData(setup.transport()),
                DataObject.newOctetStringData(setup.destinationBytes()), DataObject.newEnumerateData(setup.messageType()));
    }

    public void setSendDestinationAndMethod(DataObject v) throws IllegalAttributeAccessException {
        if (v.getType() != Type.STRUCTURE) throw new IllegalAttributeAccessException(AccessResultCode.TYPE_UNMATCHED);
        List<DataObject> s = v.getValue();
        if (s.size() != 3 || s.get(0).getType() != Type.ENUMERATE || s.get(1).getType() != Type.OCTET_STRING
                || s.get(2).getType() != Type.ENUMERATE) {
            throw new IllegalAttributeAccessException(AccessResultCode.TYPE_UNMATCHED);
        }
        setup.setDestinationAndMethod(s.get(0).<Number>getValue().intValue(), s.get(1).getValue(), s.get(2).<Number>getValue().intValue());
    }

    /** Always open: no communication window restricts the push. */
    public DataObject getCommunicationWindow() {
        return DataObject.newArrayData(List.of());
    }

    public DataObject getRandomisationStartInterval() {
        return DataObject.newUInteger16Data(setup.randomisationSeconds());
    }

    public void setRandomisationStartInterval(DataObject v) throws IllegalAttributeAccessException {
        setup.setRandomisationSeconds(number(v, Type.LONG_UNSIGNED));
    }

    public DataObject getNumberOfRetries() {
        return DataObject.newUInteger8Data((short) setup.retries());
    }

    public void setNumberOfRetries(DataObject v) throws IllegalAttributeAccessException {
        setup.setRetries(number(v, Type.UNSIGNED));
    }

    public DataObject getRepetitionDelay() {
        return DataObject.newUInteger16Data(setup.repetitionDelaySeconds());
    }

    public void setRepetitionDelay(DataObject v) throws IllegalAttributeAccessException {
        setup.setRepetitionDelaySeconds(number(v, Type.LONG_UNSIGNED));
    }

    private static int number(DataObject v, Type expected) throws IllegalAttributeAccessException {
        if (v.getType() != expected) throw new IllegalAttributeAccessException(AccessResultCode.TYPE_UNMATCHED);
        return v.<Number>getValue().intValue();
    }
}
