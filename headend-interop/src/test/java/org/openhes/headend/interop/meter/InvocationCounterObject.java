package org.openhes.headend.interop.meter;

import org.openmuc.jdlms.AttributeAccessMode;
import org.openmuc.jdlms.CosemAttribute;
import org.openmuc.jdlms.CosemClass;
import org.openmuc.jdlms.CosemInterfaceObject;
import org.openmuc.jdlms.ObisCode;
import org.openmuc.jdlms.datatypes.DataObject;
import org.openmuc.jdlms.datatypes.DataObject.Type;

/**
 * Interface class 1 (Data) 0-0:43.1.0.255: the last invocation counter accepted from the management
 * client (not the next expected one: a client must send at least this value + 1).
 */
@CosemClass(id = 1)
public final class InvocationCounterObject extends CosemInterfaceObject {
    @CosemAttribute(id = 2, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject value;

    private final InvocationCounters counters;

    InvocationCounterObject(ObisCode obis, InvocationCounters counters, AccessPolicy policy) {
        super(obis, policy);
        this.counters = counters;
    }

    public DataObject getValue() {
        return DataObject.newUInteger32Data(counters.lastAccepted(ClientSaps.MANAGEMENT));
    }
}
