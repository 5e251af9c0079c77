package org.openhes.headend.interop.meter;

import java.util.List;
import java.util.function.LongConsumer;
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
 * Interface class 71 (Limiter) watching active power 1-0:1.7.0.255 (W). Thresholds and durations are
 * double-long-unsigned, the type of the monitored value, and a SET of any other type is refused with
 * type-unmatched, as strict meters do. The limiter only holds its settings: it never trips the breaker.
 */
@CosemClass(id = 71)
public final class LimiterObject extends CosemInterfaceObject {
    @CosemAttribute(id = 2, type = Type.STRUCTURE, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject monitoredValue;

    @CosemAttribute(id = 3, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject thresholdActive;

    @CosemAttribute(id = 4, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_AND_WRITE)
    private DataObject thresholdNormal;

    @CosemAttribute(id = 5, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_AND_WRITE)
    private DataObject thresholdEmergency;

    @CosemAttribute(id = 6, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_AND_WRITE)
    private DataObject minOverThresholdDuration;

    @CosemAttribute(id = 7, type = Type.DOUBLE_LONG_UNSIGNED, accessMode = AttributeAccessMode.READ_AND_WRITE)
    private DataObject minUnderThresholdDuration;

    @CosemAttribute(id = 8, type = Type.STRUCTURE, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject emergencyProfile;

    @CosemAttribute(id = 9, type = Type.ARRAY, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject emergencyProfileGroupIdList;

    @CosemAttribute(id = 10, type = Type.BOOLEAN, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject emergencyProfileActive;

    @CosemAttribute(id = 11, type = Type.STRUCTURE, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject actions;

    private final MeterState state;

    LimiterObject(ObisCode obis, MeterState state, AccessPolicy policy) {
        super(obis, policy);
        this.state = state;
    }

    public DataObject getMonitoredValue() {
        return DataObject.newStructureData(DataObject.newUInteger16Data(3),
                DataObject.newOctetStringData(CosemObjects.ACTIVE_POWER.bytes()), DataObject.newInteger8Data((byte) 2));
    }

    /** No emergency profile is ever active, so the normal threshold is the active one. */
    public DataObject getThresholdActive() {
        return DataObject.newUInteger32Data(state.thresholdNormalW());
    }

    public DataObject getThresholdNormal() {
        return DataObject.newUInteger32Data(state.thresholdNormalW());
    }

    public void setThresholdNormal(DataObject v) throws IllegalAttributeAccessException {
        store(v, state::setThresholdNormalW);
    }

    public DataObject getThresholdEmergency() {
        return DataObject.newUInteger32Data(state.thresholdEmergencyW());
    }

    public void setThresholdEmergency(DataObject v) throws IllegalAttributeAccessException {
        store(v, state::setThresholdEmergencyW);
    }

    public DataObject getMinOverThresholdDuration() {
        return DataObject.newUInteger32Data(state.minOverThresholdDurationS());
    }

    public void setMinOverThresholdDuration(DataObject v) throws IllegalAttributeAccessException {
        store(v, state::setMinOverThresholdDurationS);
    }

    public DataObject getMinUnderThresholdDuration() {
        return DataObject.newUInteger32Data(state.minUnderThresholdDurationS());
    }

    public void setMinUnderThresholdDuration(DataObject v) throws IllegalAttributeAccessException {
        store(v, state::setMinUnderThresholdDurationS);
    }

    /** {emergency_profile_id, activation_time, duration}: none configured. */
    public DataObject getEmergencyProfile() {
        byte[] notSpecified = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x80, 0x00, (byte) 0xFF};
        return DataObject.newStructureData(DataObject.newUInteger16Data(0), DataObject.newOctetStringData(notSpecified),
                DataObject.newUInteger32Data(0));
    }

    public DataObject getEmergencyProfileGroupIdList() {
        return DataObject.newArrayData(List.of());
    }

    public DataObject getEmergencyProfileActive() {
        return DataObject.newBoolData(false);
    }

    /** Over the threshold: disconnector script 1 (disconnect); back under: script 2 (arm reconnection). */
    public DataObject getActions() {
        return DataObject.newStructureData(script(1), script(2));
    }

    private static DataObject script(int selector) {
        return DataObject.newStructureData(DataObject.newOctetStringData(CosemObjects.DISCONNECTOR_SCRIPTS.bytes()),
                DataObject.newUInteger16Data(selector));
    }

    private static void store(DataObject v, LongConsumer setter) throws IllegalAttributeAccessException {
        if (v.getType() != Type.DOUBLE_LONG_UNSIGNED) {
            throw new IllegalAttributeAccessException(AccessResultCode.TYPE_UNMATCHED);
        }
        setter.accept(v.<Long>getValue());
    }
}
