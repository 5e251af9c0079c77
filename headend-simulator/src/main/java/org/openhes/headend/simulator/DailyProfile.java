package org.openhes.headend.simulator;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXDLMSSettings;
import gurux.dlms.GXDateTime;
import gurux.dlms.ValueEventArgs;
import gurux.dlms.enums.DataType;
import gurux.dlms.enums.ErrorCode;
import gurux.dlms.internal.GXCommon;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import gurux.dlms.objects.GXDLMSRegister;
import gurux.dlms.objects.enums.SortMethod;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.function.Function;

/**
 * The daily values profile (1-0:99.2.0.255): its capture objects, one row per local midnight of the past
 * {@value #DAYS} days (oldest first, entry 1), and its answers to selective access. Access by range
 * (selector 1) is Gurux's; access by entry (selector 2) is answered here, because Gurux 4.0.47 reads
 * to_entry and to_selected_value as counts.
 */
final class DailyProfile {
    /** Rows kept by the meter. */
    static final int DAYS = 40;
    /** Column sources after the clock: an index of the four energy registers, or the status. */
    private static final int STATUS = -1;
    private static final int[] DEFAULT_ORDER = {0, 1, 2, 3};
    /** clock, status, 2.8.2, 1.8.1, 2.8.1, 1.8.2 ({@code capture-order}). */
    private static final int[] SHUFFLED_ORDER = {STATUS, 3, 0, 2, 1};

    private final GXDLMSProfileGeneric profile = new GXDLMSProfileGeneric("1.0.99.2.0.255");
    private final GXDLMSData status = new GXDLMSData("0.0.96.10.1.255");
    private final int[] order;
    private final boolean byEntryOnly;
    private final EnergyEncoding energy;
    private final ZoneId zone;
    private final Function<Instant, long[]> whAt;

    /**
     * @param whAt the four indexes in Wh (import day, import night, export day, export night) at an instant
     */
    DailyProfile(GXDLMSClock clock, GXDLMSRegister[] indexes, MeterVariants variants, EnergyEncoding energy,
                 ZoneId zone, Function<Instant, long[]> whAt) {
        this.order = variants.has(MeterVariant.Quirk.CAPTURE_ORDER) ? SHUFFLED_ORDER : DEFAULT_ORDER;
        this.byEntryOnly = variants.has(MeterVariant.Quirk.PROFILE_BY_ENTRY_ONLY);
        this.energy = energy;
        this.zone = zone;
        this.whAt = whAt;
        status.setDataType(2, DataType.UINT8);
        status.setValue(0);
        profile.addCaptureObject(clock, 2, 0);
        for (int source : order) profile.addCaptureObject(source == STATUS ? status : indexes[source], 2, 0);
        profile.setCapturePeriod(0); // a non-zero period would start Gurux's own capture thread
        profile.setSortMethod(SortMethod.FIFO);
        profile.setSortObject(clock);
        profile.setProfileEntries(DAYS);
    }

    GXDLMSProfileGeneric object() {
        return profile;
    }

    /** The objects to list in the meter's object list: the profile, and its status column when it has one. */
    List<GXDLMSObject> objects() {
        return Arrays.stream(order).anyMatch(c -> c == STATUS) ? List.of(status, profile) : List.of(profile);
    }

    /** Prepares a read of the profile at the meter's time {@code now}, or answers it (entry access, refusals). */
    void onPreRead(ValueEventArgs e, Instant now, GXDLMSSettings settings) {
        if (e.getIndex() == 7) profile.setEntriesInUse(DAYS);
        if (e.getIndex() != 2) return;
        ProfileEntries.serve(e, profile, rows(now), byEntryOnly, settings);
    }

    /** The past {@value #DAYS} local midnights, oldest first, in the capture objects' order. */
    private List<Object[]> rows(Instant now) {
        LocalDate today = now.atZone(zone).toLocalDate();
        List<Object[]> rows = new ArrayList<>(DAYS);
        for (int d = DAYS - 1; d >= 0; d--) {
            ZonedDateTime midnight = today.minusDays(d).atStartOfDay(zone);
            long[] wh = whAt.apply(midnight.toInstant());
            Object[] row = new Object[1 + order.length];
            row[0] = new GXDateTime(Date.from(midnight.toInstant()));
            for (int c = 0; c < order.length; c++) row[1 + c] = order[c] == STATUS ? 0 : energy.raw(wh[order[c]]);
            rows.add(row);
        }
        return rows;
    }
}
