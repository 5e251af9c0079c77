package org.openhes.headend.scheduler.guard;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.MonthDay;
import java.util.Set;

/**
 * Belgium's ten legal public holidays: New Year, Easter Monday, Labour Day, Ascension, Whit Monday,
 * the National Day, the Assumption, All Saints, the Armistice and Christmas. The movable ones follow
 * Easter (Gregorian computus, the anonymous algorithm).
 */
public final class BelgianHolidays {
    private static final Set<MonthDay> FIXED = Set.of(MonthDay.of(1, 1), MonthDay.of(5, 1), MonthDay.of(7, 21),
            MonthDay.of(8, 15), MonthDay.of(11, 1), MonthDay.of(11, 11), MonthDay.of(12, 25));

    private BelgianHolidays() {
    }

    public static boolean isHoliday(LocalDate d) {
        if (FIXED.contains(MonthDay.from(d))) return true;
        LocalDate easter = easter(d.getYear());
        return d.equals(easter.plusDays(1)) || d.equals(easter.plusDays(39)) || d.equals(easter.plusDays(50));
    }

    public static boolean isWeekend(LocalDate d) {
        return d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY;
    }

    /** Easter Sunday of {@code year}. */
    static LocalDate easter(int year) {
        int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
        int m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
        return LocalDate.of(year, month, day);
    }
}
