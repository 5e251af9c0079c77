package org.openhes.headend.interop.meter;

import java.util.Arrays;
import java.util.List;
import org.openmuc.jdlms.ObisCode;
import org.openmuc.jdlms.datatypes.DataObject;
import org.openmuc.jdlms.datatypes.DataObject.Type;

/** A capture_object_definition: {class_id, logical_name, attribute_index, data_index}. */
record CaptureObject(int classId, ObisCode obis, int attribute, int dataIndex) {

    DataObject toDataObject() {
        return DataObject.newStructureData(
                DataObject.newUInteger16Data(classId),
                DataObject.newOctetStringData(obis.bytes()),
                DataObject.newInteger8Data((byte) attribute),
                DataObject.newUInteger16Data(dataIndex));
    }

    /** Whether a definition sent by a client names this column (same class, object and attribute). */
    boolean isNamedBy(DataObject definition) {
        if (definition.getType() != Type.STRUCTURE) {
            return false;
        }
        List<DataObject> f = definition.getValue();
        return f.size() == 4
                && f.get(0).isNumber() && ((Number) f.get(0).getValue()).intValue() == classId
                && f.get(1).getType() == Type.OCTET_STRING && Arrays.equals(f.get(1).getValue(), obis.bytes())
                && f.get(2).isNumber() && ((Number) f.get(2).getValue()).intValue() == attribute;
    }
}
