package org.openhes.headend.interop.meter;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
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
 * Interface class 8 (Clock) in Europe/Brussels. Writing time (attribute 2, octet-string(12) only, as
 * the Blue Book types it) moves the meter's offset from true time; shift_time (method 6) moves it by
 * -900..900 s. time_zone follows the Blue Book sign: -60 for CET.
 */
@CosemClass(id = 8)
public final class ClockObject extends CosemInterfaceObject {
    /** Last Sunday of March at 02:00 local, any year (day_of_month 0xFE = last, day_of_week 7). */
    private static final byte[] DST_BEGINS = HexFormat.of().parseHex("FFFF03FE07020000008000FF");
    /** Last Sunday of October at 03:00 local. */
    private static final byte[] DST_ENDS = HexFormat.of().parseHex("FFFF0AFE07030000008000FF");
    private static final int MAX_SHIFT_S = 900;

    @CosemAttribute(id = 2, type = Type.OCTET_STRING, accessMode = AttributeAccessMode.READ_AND_WRITE)
    private DataObject time;

    @CosemAttribute(id = 3, type = Type.LONG_INTEGER, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject timeZone;

    @CosemAttribute(id = 4, type = Type.UNSIGNED, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject status;

    @CosemAttribute(id = 5, type = Type.OCTET_STRING, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject daylightSavingsBegin;

    @CosemAttribute(id = 6, type = Type.OCTET_STRING, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject daylightSavingsEnd;

    @CosemAttribute(id = 7, type = Type.INTEGER, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject daylightSavingsDeviation;

    @CosemAttribute(id = 8, type = Type.BOOLEAN, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject daylightSavingsEnabled;

    @CosemAttribute(id = 9, type = Type.ENUMERATE, accessMode = AttributeAccessMode.READ_ONLY)
    private DataObject clockBase;

    private final MeterTime meterTime;

    ClockObject(ObisCode obis, MeterTime meterTime, AccessPolicy policy) {
        super(obis, policy);
        this.meterTime = meterTime;
    }

    public DataObject getTime() {
        return DataObject.newOctetStringData(CosemDateTimes.encode(meterTime.now()));
    }

    public void setTime(DataObject value) throws IllegalAttributeAccessException {
        if (value.getType() != Type.OCTET_STRING) {
            throw new IllegalAttributeAccessException(AccessResultCode.TYPE_UNMATCHED);
        }
        Instant written;
        try {
            written = CosemDateTimes.decode(value.getValue());
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new IllegalAttributeAccessException(AccessResultCode.OTHER_REASON);
        }
        meterTime.setTo(written);
    }

    /** Minutes from local normal (winter) time to UTC. */
    public DataObject getTimeZone() {
        int normalOffsetMinutes = MeterTime.ZONE.getRules().getStandardOffset(meterTime.now()).getTotalSeconds() / 60;
        return DataObject.newInteger16Data((short) -normalOffsetMinutes);
    }

    public DataObject getStatus() {
        boolean summer = MeterTime.ZONE.getRules().isDaylightSavings(meterTime.now());
        return DataObject.newUInteger8Data((short) (summer ? CosemDateTimes.STATUS_DAYLIGHT_SAVING : 0));
    }

    public DataObject getDaylightSavingsBegin() {
        return DataObject.newOctetStringData(DST_BEGINS);
    }

    public DataObject getDaylightSavingsEnd() {
        return DataObject.newOctetStringData(DST_ENDS);
    }

    public DataObject getDaylightSavingsDeviation() {
        return DataObject.newInteger8Data((byte) 60);
    }

    public DataObject getDaylightSavingsEnabled() {
        return DataObject.newBoolData(true);
    }

    /** 1: internal crystal. */
    public DataObject getClockBase() {
        return DataObject.newEnumerateData(1);
    }

    @CosemMethod(id = 6, consumes = Type.LONG_INTEGER)
    public void shiftTime(DataObject seconds) throws IllegalMethodAccessException {
        short s = seconds.getValue();
        if (Math.abs(s) > MAX_SHIFT_S) {
            throw new IllegalMethodAccessException(MethodResultCode.OTHER_REASON);
        }
        meterTime.shift(Duration.ofSeconds(s));
    }
}
