package org.openhes.headend.interop.meter;

import org.openmuc.jdlms.AccessResultCode;
import org.openmuc.jdlms.AttributeAccessMode;
import org.openmuc.jdlms.CosemAttribute;
import org.openmuc.jdlms.CosemClass;
import org.openmuc.jdlms.CosemInterfaceObject;
import org.openmuc.jdlms.CosemMethod;
import org.openmuc.jdlms.IllegalAttributeAccessException;
import org.openmuc.jdlms.IllegalMethodAccessException;
import org.openmuc.jdlms.MethodResultCode;
import org.openmuc.jdlms.ObisCode;
import org.openmuc.jdlms.datatypes.DataObject;
import org.openmuc.jdlms.datatypes.DataObject.Type;

/**
 * Interface class 70 (Disconnect control) over {@link Disconnector}. Methods take integer(0) as the
 * Blue Book says (jDLMS answers type-unmatched to anything else). In control mode 0 the breaker
 * cannot be operated remotely: the methods answer object-unavailable.
 */
@CosemClass(id = 70)
public final class DisconnectControlObject extends CosemInterfaceObject {
    @CosemAttribute(id = 2, type = Type.BOOLEAN, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject outputState;

    @CosemAttribute(id = 3, type = Type.ENUMERATE, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject controlState;

    @CosemAttribute(id = 4, type = Type.ENUMERATE, accessMode = AttributeAccessMode.READ_AND_WRITE)
    private DataObject controlMode;

    private final Disconnector breaker;
    /** Where remote operations are logged, by the meter's time; null for a breaker without a log (the gas valve). */
    private final DisconnectorLog log;
    private final MeterTime time;

    DisconnectControlObject(ObisCode obis, Disconnector breaker, AccessPolicy policy) {
        this(obis, breaker, null, null, policy);
    }

    DisconnectControlObject(ObisCode obis, Disconnector breaker, DisconnectorLog log, MeterTime time, AccessPolicy policy) {
        super(obis, policy);
        this.breaker = breaker;
        this.log = log;
        this.time = time;
    }

    public DataObject getOutputState() {
        return DataObject.newBoolData(breaker.outputState());
    }

    public DataObject getControlState() {
        return DataObject.newEnumerateData(breaker.controlState());
    }

    public DataObject getControlMode() {
        return DataObject.newEnumerateData(breaker.controlMode());
    }

    public void setControlMode(DataObject mode) throws IllegalAttributeAccessException {
        if (mode.getType() != Type.ENUMERATE) {
            throw new IllegalAttributeAccessException(AccessResultCode.TYPE_UNMATCHED);
        }
        int value = mode.getValue();
        if (value > 6) {
            throw new IllegalAttributeAccessException(AccessResultCode.OTHER_REASON);
        }
        breaker.setControlMode(value);
    }

    @CosemMethod(id = 1, consumes = Type.INTEGER)
    public void remoteDisconnect(DataObject ignored) throws IllegalMethodAccessException {
        answer(breaker.remoteDisconnect());
        if (log != null) log.record(time.now(), 62);
    }

    @CosemMethod(id = 2, consumes = Type.INTEGER)
    public void remoteReconnect(DataObject ignored) throws IllegalMethodAccessException {
        answer(breaker.remoteReconnect());
        if (log != null) log.record(time.now(), breaker.outputState() ? 63 : 59);
    }

    private static void answer(Disconnector.Outcome outcome) throws IllegalMethodAccessException {
        if (outcome == Disconnector.Outcome.NOT_IN_THIS_MODE) {
            throw new IllegalMethodAccessException(MethodResultCode.OBJECT_UNAVAILABLE);
        }
    }
}
