package org.openhes.headend.interop.meter;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * COSEM date-time, octet-string(12): year(2) month day day-of-week hour minute second hundredths
 * deviation(2) clock-status. The deviation follows the Blue Book: minutes from local time to UTC, so
 * Brussels is -60 in winter and -120 in summer (some meters send the opposite sign; this one does not).
 */
public final class CosemDateTimes {
    static final int DEVIATION_NOT_SPECIFIED = 0x8000;
    static final int STATUS_DAYLIGHT_SAVING = 0x80;
    private static final int NOT_SPECIFIED = 0xFF;

    private CosemDateTimes() {
    }

    /** The meter's local time at {@code t}, with deviation and the daylight-saving status bit. */
    public static byte[] encode(Instant t) {
        ZonedDateTime z = t.atZone(MeterTime.ZONE);
        int offsetMinutes = z.getOffset().getTotalSeconds() / 60;
        boolean summer = MeterTime.ZONE.getRules().isDaylightSavings(t);
        return ByteBuffer.allocate(12)
                .putShort((short) z.getYear())
                .put((byte) z.getMonthValue())
                .put((byte) z.getDayOfMonth())
                .put((byte) z.getDayOfWeek().getValue())
                .put((byte) z.getHour())
                .put((byte) z.getMinute())
                .put((byte) z.getSecond())
                .put((byte) 0)
                .putShort((short) -offsetMinutes)
                .put((byte) (summer ? STATUS_DAYLIGHT_SAVING : 0))
                .array();
    }

    /**
     * Reads a fully specified date-time. Day of week and hundredths may be "not specified"; an
     * unspecified deviation means the meter's local time. Anything else unspecified is refused.
     *
     * @throws IllegalArgumentException when the value is not 12 bytes or not a single instant
     */
    public static Instant decode(byte[] b) {
        if (b.length != 12) {
            throw new IllegalArgumentException("date-time must be 12 bytes (was " + b.length + ")");
        }
        ByteBuffer in = ByteBuffer.wrap(b);
        int year = in.getShort() & 0xFFFF;
        int month = in.get() & 0xFF;
        int day = in.get() & 0xFF;
        in.get(); // day of week: redundant with the date
        int hour = in.get() & 0xFF;
        int minute = in.get() & 0xFF;
        int second = in.get() & 0xFF;
        int hundredths = in.get() & 0xFF;
        int deviation = in.getShort() & 0xFFFF;
        if (year == 0xFFFF || month > 12 || day > 31 || hour == NOT_SPECIFIED || minute == NOT_SPECIFIED
                || second == NOT_SPECIFIED) {
            throw new IllegalArgumentException("date-time with unspecified fields is not a single instant");
        }
        int nanos = hundredths == NOT_SPECIFIED ? 0 : hundredths * 10_000_000;
        LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, second, nanos);
        if (deviation == DEVIATION_NOT_SPECIFIED) {
            return local.atZone(MeterTime.ZONE).toInstant();
        }
        int minutesToUtc = (short) deviation;
        return local.toInstant(ZoneOffset.ofTotalSeconds(-minutesToUtc * 60));
    }
}
