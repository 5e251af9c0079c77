package org.openhes.headend.protocol.session;

import static org.openhes.headend.protocol.session.DlmsValues.ln;
import static org.openhes.headend.protocol.session.DlmsValues.obisText;

import gurux.dlms.GXDLMSClient;
import gurux.dlms.GXDateTime;
import gurux.dlms.enums.ObjectType;
import gurux.dlms.objects.GXDLMSCaptureObject;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map.Entry;
import java.util.concurrent.CompletableFuture;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.model.IndexReading;
import org.openhes.headend.protocol.model.ProfileAccess;
import org.openhes.headend.protocol.model.Register;

/**
 * Rows of a profile generic whose columns are the clock and registers: its capture objects (read once
 * per meter, any order, other columns such as a status ignored), then the rows of a period selected by
 * range, or by entry for meters that offer only that (those that refuse a range read are remembered).
 */
final class ProfileReads {
    /** Entries read beyond the computed ones, for a meter whose clock is off or that missed a capture. */
    private static final int ENTRY_MARGIN = 2;
    private static final int SORT_LIFO = 2;

    private final Association association;
    private final AttributeAccess access;
    private final Scalers scalers;
    private final MeterMetadataCache cache;
    private final InstantSource clock;
    private final String meterId;

    ProfileReads(Association association, AttributeAccess access, Scalers scalers, MeterMetadataCache cache, InstantSource clock) {
        this.association = association;
        this.access = access;
        this.scalers = scalers;
        this.cache = cache;
        this.clock = clock;
        this.meterId = association.target().meterId();
    }

    /** A profile object to read, with its columns when they are cached (null otherwise). */
    GXDLMSProfileGeneric profile(String obis) {
        GXDLMSProfileGeneric pg = new GXDLMSProfileGeneric(ln(obis));
        List<MeterMetadataCache.Column> cached = cache.columns(meterId, obis);
        if (cached != null) addCaptureObjects(pg, cached);
        return pg;
    }

    List<MeterMetadataCache.Column> cachedColumns(String obis) {
        return cache.columns(meterId, obis);
    }

    /** The profile's columns: from the cache, or read (attribute 3) and cached. */
    CompletableFuture<List<MeterMetadataCache.Column>> columns(GXDLMSProfileGeneric pg, String obis) {
        List<MeterMetadataCache.Column> cached = cache.columns(meterId, obis);
        if (cached != null) return CompletableFuture.completedFuture(cached);
        return access.read(pg, 3).thenApply(value -> storeColumns(pg, obis, "GET " + obis + "/3", value));
    }

    private static void addCaptureObjects(GXDLMSProfileGeneric pg, List<MeterMetadataCache.Column> cols) {
        for (var c : cols) {
            GXDLMSObject o = GXDLMSClient.createObject(ObjectType.forValue(c.classId()));
            o.setLogicalName(ln(c.obis()));
            pg.addCaptureObject(o, c.attribute(), 0);
        }
    }

    /** Sets the profile's capture objects from the value of its attribute 3 and caches them as columns. */
    List<MeterMetadataCache.Column> storeColumns(GXDLMSProfileGeneric pg, String obis, String step, Object captureObjects) {
        association.codec().updateValue(pg, 3, captureObjects);
        List<MeterMetadataCache.Column> cols = new ArrayList<>();
        for (Entry<GXDLMSObject, GXDLMSCaptureObject> e : pg.getCaptureObjects()) {
            cols.add(new MeterMetadataCache.Column(e.getKey().getObjectType().getValue(),
                    obisText(e.getKey().getLogicalName()), e.getValue().getAttributeIndex()));
        }
        if (cols.isEmpty()) throw association.failures().of(MeterFailureKind.MALFORMED_RESPONSE, step, "the profile has no columns");
        cache.putColumns(meterId, obis, cols);
        return cols;
    }

    static List<String> registerColumns(List<MeterMetadataCache.Column> cols) {
        List<String> out = new ArrayList<>();
        for (var c : cols) if (c.classId() == 3 || c.classId() == 4) out.add(c.obis());
        return out;
    }

    /**
     * The rows captured from local midnight of {@code from} to local midnight of {@code to}, both
     * included, of a profile whose columns are known (the registers' scalers are read first if missing).
     */
    CompletableFuture<List<IndexReading>> days(GXDLMSProfileGeneric pg, List<MeterMetadataCache.Column> cols, String obis,
                                               ProfileAccess preferred, LocalDate from, LocalDate to, ZoneId zone) {
        Instant start = from.atStartOfDay(zone).toInstant(), end = to.atStartOfDay(zone).toInstant();
        CompletableFuture<Void> ready = scalers.ensure(registerColumns(cols), ObjectType.REGISTER);
        if (preferred == ProfileAccess.ENTRY || cache.readsByEntry(meterId, obis)) {
            return ready.thenCompose(v -> byEntry(pg, cols, obis, from, start, end, zone));
        }
        String step = "GET " + obis + "/2 by range";
        return ready.thenCompose(v -> association.exchange(step,
                        () -> association.codec().readRowsByRange(pg, Date.from(start), Date.from(end))))
                .thenApply(reply -> rows(pg, cols, reply.getValue(), null, null))
                .exceptionallyCompose(e -> {
                    if (!refusedSelector(e, step)) return CompletableFuture.failedFuture(e);
                    cache.readByEntry(meterId, obis);
                    return byEntry(pg, cols, obis, from, start, end, zone);
                });
    }

    /** Whether the meter refused the range read itself (not the link, not the keys): it may serve entries. */
    static boolean refusedSelector(Throwable e, String step) {
        MeterException m = MeterException.find(e);
        return m != null && step.equals(m.step()) && switch (m.kind()) {
            case OBJECT_UNAVAILABLE, ACCESS_DENIED, REQUEST_REFUSED -> true;
            default -> false;
        };
    }

    /**
     * Entries covering the period: entries_in_use and sort_method first, then the entries from the one
     * captured {@code from} (a margin earlier) to the newest, filtered by their capture time.
     */
    private CompletableFuture<List<IndexReading>> byEntry(GXDLMSProfileGeneric pg, List<MeterMetadataCache.Column> cols, String obis,
                                                         LocalDate from, Instant start, Instant end, ZoneId zone) {
        return access.attributes(ObjectType.PROFILE_GENERIC, obis, List.of(7, 5)).thenCompose(v -> {
            if (!(v.get(0) instanceof Number inUse) || !(v.get(1) instanceof Number sort)) {
                throw association.failures().of(MeterFailureKind.MALFORMED_RESPONSE, "GET " + obis + "/7,5",
                        "entries_in_use/sort_method are not numbers: " + DlmsValues.printable(v));
            }
            long entries = inUse.longValue();
            if (entries <= 0) return CompletableFuture.completedFuture(List.<IndexReading>of());
            long today = clock.instant().atZone(zone).toLocalDate().toEpochDay();
            long back = Math.max(0, today - from.toEpochDay()) + 1 + ENTRY_MARGIN;
            long first, last;
            if (sort.intValue() == SORT_LIFO) {
                first = 1;
                last = Math.min(entries, back);
            } else {
                first = Math.max(1, entries - back + 1);
                last = entries;
            }
            int count = (int) (last - first + 1);
            String step = "GET " + obis + "/2 by entry";
            return association.exchange(step, () -> association.codec().readRowsByEntry(pg, (int) first, count))
                    .thenApply(reply -> rows(pg, cols, reply.getValue(), start, end));
        });
    }

    /** The rows of a buffer; with {@code start}/{@code end}, only those captured in that period (entries cover more). */
    private List<IndexReading> rows(GXDLMSProfileGeneric pg, List<MeterMetadataCache.Column> cols, Object buffer, Instant start, Instant end) {
        association.codec().updateValue(pg, 2, buffer);
        List<IndexReading> rows = new ArrayList<>();
        for (Object row : pg.getBuffer()) {
            IndexReading r = row(cols, (Object[]) row);
            if (start == null || (!r.capturedAt().isBefore(start) && !r.capturedAt().isAfter(end))) rows.add(r);
        }
        return rows;
    }

    private IndexReading row(List<MeterMetadataCache.Column> cols, Object[] row) {
        Instant captured = null;
        List<Register> regs = new ArrayList<>();
        for (int k = 0; k < cols.size() && k < row.length; k++) {
            var c = cols.get(k);
            if (c.classId() == 8 && row[k] instanceof GXDateTime t) captured = t.getMeterCalendar().toInstant();
            else if (c.classId() == 3 || c.classId() == 4) regs.add(scalers.scale(c.obis(), row[k]));
        }
        if (captured == null) {
            throw association.failures().of(MeterFailureKind.MALFORMED_RESPONSE, "read daily profile", "a profile row has no clock column");
        }
        return new IndexReading(captured, regs);
    }
}
