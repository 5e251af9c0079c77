package org.openhes.headend.protocol.trace;

/**
 * COSEM date, time and date-time (Blue Book 4.1.6.1) as text: ISO-8601 where every field is given, with
 * {@code *} for fields the meter leaves unspecified (schedules use them as wildcards). The deviation is
 * "minutes from local time to UTC", so -60 is shown as {@code +01:00}.
 */
final class DateTimes {
    private DateTimes() {
    }

    /** A date-time of 12 bytes at {@code p}, or null when the bytes are not a plausible one. */
    static String dateTime(byte[] b, int p) {
        String date = date(b, p);
        String time = time(b, p + 5);
        if (date == null || time == null) return null;
        int deviation = (short) ((b[p + 9] & 0xFF) << 8 | (b[p + 10] & 0xFF));
        int status = b[p + 11] & 0xFF;
        StringBuilder sb = new StringBuilder(date).append('T').append(time);
        if (deviation != (short) 0x8000) {
            if (deviation < -840 || deviation > 840) return null;
            int offset = -deviation;
            sb.append(offset < 0 ? '-' : '+').append(two(Math.abs(offset) / 60)).append(':').append(two(Math.abs(offset) % 60));
        }
        if (status != 0xFF && status != 0) sb.append(' ').append(status(status));
        return sb.toString();
    }

    /** A date of 5 bytes (year, month, day of month, day of week), or null when implausible. */
    static String date(byte[] b, int p) {
        int year = (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
        int month = b[p + 2] & 0xFF, day = b[p + 3] & 0xFF, weekday = b[p + 4] & 0xFF;
        if (!(month >= 1 && month <= 12 || month >= 0xFD)) return null;
        if (!(day >= 1 && day <= 31 || day >= 0xFD)) return null;
        if (!(weekday >= 1 && weekday <= 7 || weekday == 0xFF)) return null;
        String y = year == 0xFFFF ? "*" : String.format("%04d", year);
        String m = switch (month) {
            case 0xFF -> "*";
            case 0xFE -> "dst-begin";
            case 0xFD -> "dst-end";
            default -> two(month);
        };
        String d = switch (day) {
            case 0xFF -> "*";
            case 0xFE -> "last";
            case 0xFD -> "second-last";
            default -> two(day);
        };
        return y + "-" + m + "-" + d;
    }

    /** A time of 4 bytes (hour, minute, second, hundredths), or null when implausible. */
    static String time(byte[] b, int p) {
        int h = b[p] & 0xFF, min = b[p + 1] & 0xFF, s = b[p + 2] & 0xFF, hs = b[p + 3] & 0xFF;
        if (!(h <= 23 || h == 0xFF) || !(min <= 59 || min == 0xFF) || !(s <= 59 || s == 0xFF) || !(hs <= 99 || hs == 0xFF)) {
            return null;
        }
        String t = field(h) + ":" + field(min) + ":" + field(s);
        return hs == 0xFF || hs == 0 ? t : t + "." + two(hs);
    }

    private static String status(int s) {
        StringBuilder sb = new StringBuilder("status");
        if ((s & 0x01) != 0) sb.append(" invalid");
        if ((s & 0x02) != 0) sb.append(" doubtful");
        if ((s & 0x04) != 0) sb.append(" different-clock-base");
        if ((s & 0x08) != 0) sb.append(" invalid-clock-status");
        if ((s & 0x80) != 0) sb.append(" daylight-saving");
        if ((s & 0x70) != 0) sb.append(String.format(" 0x%02X", s & 0x70));
        return sb.toString();
    }

    private static String field(int v) {
        return v == 0xFF ? "*" : two(v);
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : String.valueOf(v);
    }
}
