package org.openhes.headend.protocol.session;

import gurux.dlms.GXDateTime;
import gurux.dlms.enums.ObjectType;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.model.LoadInterval;
import org.openhes.headend.protocol.model.Register;

/**
 * The load profile of the meter profile read by range (by entry when the meter offers only that, or
 * refused a range once): the capture objects come from the meter (attribute 3, cached), the clock column
 * gives the interval's end, a data column (class 1) the status, the registers whose OBIS is 1.8.x (A+)
 * and 2.8.x (A-) the indexes, scaled with their scaler_unit (a total x.8.0 when present, else the sum
 * of the tariff registers).
 */
public final class LoadProfileReads {
    /** Entries read beyond the computed ones, for a meter whose clock is off or that missed captures. */
    private static final int ENTRY_MARGIN = 4;
    private static final int SORT_LIFO = 2;
    private static final long DEFAULT_PERIOD_SECONDS = 900;

    private final Association association;
    private final AttributeAccess access;
    private final Scalers scalers;
    private final ProfileReads profiles;
    private final MeterMetadataCache cache;
    private final InstantSource clock;

    LoadProfileReads(Association association, AttributeAccess access, Scalers scalers, ProfileReads profiles,
                     MeterMetadataCache cache, InstantSource clock) {
        this.association = association;
        this.access = access;
        this.scalers = scalers;
        this.profiles = profiles;
        this.cache = cache;
        this.clock = clock;
    }

    /** The intervals that ended in [from, to], oldest first. */
    public CompletableFuture<List<LoadInterval>> intervals(Instant from, Instant to) {
        if (to.isBefore(from)) {
            return CompletableFuture.failedFuture(association.failures().of(MeterFailureKind.INVALID_REQUEST, "read load profile",
                    "from " + from + " is after to " + to));
        }
        String obis = association.target().profile().loadProfile();
        String meterId = association.target().meterId();
        GXDLMSProfileGeneric pg = profiles.profile(obis);
        return profiles.columns(pg, obis).thenCompose(cols -> {
            Columns c = Columns.of(cols);
            CompletableFuture<Void> ready = scalers.ensure(ProfileReads.registerColumns(cols), ObjectType.REGISTER);
            if (cache.readsByEntry(meterId, obis)) return ready.thenCompose(v -> byEntry(pg, c, obis, from, to));
            String step = "GET " + obis + "/2 by range";
            return ready.thenCompose(v -> association.exchange(step,
                            () -> association.codec().readRowsByRange(pg, Date.from(from), Date.from(to))))
                    .thenApply(reply -> rows(pg, c, reply.getValue(), from, to))
                    .exceptionallyCompose(e -> {
                        if (!ProfileReads.refusedSelector(e, step)) return CompletableFuture.failedFuture(e);
                        cache.readByEntry(meterId, obis);
                        return byEntry(pg, c, obis, from, to);
                    });
        });
    }

    /** entries_in_use, sort_method and capture_period, then the entries back to {@code from} (a margin more). */
    private CompletableFuture<List<LoadInterval>> byEntry(GXDLMSProfileGeneric pg, Columns c, String obis, Instant from, Instant to) {
        return access.attributes(ObjectType.PROFILE_GENERIC, obis, List.of(7, 5, 4)).thenCompose(v -> {
            if (!(v.get(0) instanceof Number inUse) || !(v.get(1) instanceof Number sort) || !(v.get(2) instanceof Number period)) {
                throw association.failures().of(MeterFailureKind.MALFORMED_RESPONSE, "GET " + obis + "/7,5,4",
                        "entries_in_use/sort_method/capture_period are not numbers: " + DlmsValues.printable(v));
            }
            long entries = inUse.longValue();
            if (entries <= 0) return CompletableFuture.completedFuture(List.<LoadInterval>of());
            long seconds = period.longValue() > 0 ? period.longValue() : DEFAULT_PERIOD_SECONDS;
            long back = Math.max(0, Duration.between(from, clock.instant()).toSeconds()) / seconds + 1 + ENTRY_MARGIN;
            long first = sort.intValue() == SORT_LIFO ? 1 : Math.max(1, entries - back + 1);
            long last = sort.intValue() == SORT_LIFO ? Math.min(entries, back) : entries;
            String step = "GET " + obis + "/2 by entry";
            return association.exchange(step, () -> association.codec().readRowsByEntry(pg, (int) first, (int) (last - first + 1)))
                    .thenApply(reply -> rows(pg, c, reply.getValue(), from, to));
        });
    }

    private List<LoadInterval> rows(GXDLMSProfileGeneric pg, Columns c, Object buffer, Instant from, Instant to) {
        association.codec().updateValue(pg, 2, buffer);
        List<LoadInterval> out = new ArrayList<>();
        for (Object row : pg.getBuffer()) {
            LoadInterval i = row(c, (Object[]) row);
            if (!i.end().isBefore(from) && !i.end().isAfter(to)) out.add(i);
        }
        out.sort(java.util.Comparator.comparing(LoadInterval::end));
        return out;
    }

    private LoadInterval row(Columns c, Object[] row) {
        if (c.clock < 0 || c.clock >= row.length || !(row[c.clock] instanceof GXDateTime t)) {
            throw association.failures().of(MeterFailureKind.MALFORMED_RESPONSE, "read load profile", "a load profile row has no clock value");
        }
        int status = c.status >= 0 && c.status < row.length && row[c.status] instanceof Number n ? n.intValue() : 0;
        return new LoadInterval(t.getMeterCalendar().toInstant(), status, sum(c.imports, row), sum(c.exports, row));
    }

    private Register sum(List<Column> columns, Object[] row) {
        if (columns.isEmpty()) return null;
        BigDecimal total = BigDecimal.ZERO;
        String unit = "";
        for (Column col : columns) {
            Register r = scalers.scale(col.obis(), row[col.index()]);
            total = total.add(r.value());
            unit = r.unit();
        }
        return new Register(columns.size() == 1 ? columns.get(0).obis() : columns.get(0).obis().replaceFirst("\\.\\d+\\.255$", ".0.255"), total, unit);
    }

    private record Column(int index, String obis) {
    }

    /** Where the clock, the status and the A+/A- registers are among the capture objects. */
    private record Columns(int clock, int status, List<Column> imports, List<Column> exports) {
        static Columns of(List<MeterMetadataCache.Column> cols) {
            int clock = -1, status = -1;
            List<Column> imports = new ArrayList<>(), exports = new ArrayList<>();
            for (int k = 0; k < cols.size(); k++) {
                var col = cols.get(k);
                if (col.classId() == 8 && clock < 0) clock = k;
                else if (col.classId() == 1 && status < 0) status = k;
                else if (col.classId() == 3 || col.classId() == 4) {
                    String cd = col.obis().substring(col.obis().indexOf(':') + 1);
                    if (cd.startsWith("1.8.")) imports.add(new Column(k, col.obis()));
                    else if (cd.startsWith("2.8.")) exports.add(new Column(k, col.obis()));
                }
            }
            return new Columns(clock, status, totalOrAll(imports), totalOrAll(exports));
        }

        private static List<Column> totalOrAll(List<Column> regs) {
            for (Column c : regs) if (c.obis().endsWith(".8.0.255")) return List.of(c);
            return regs;
        }
    }
}
