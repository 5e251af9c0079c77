package org.openhes.headend.protocol.session;

import static org.openhes.headend.protocol.session.AttributeAccess.object;
import static org.openhes.headend.protocol.session.DlmsValues.ln;

import gurux.dlms.GXDateTime;
import gurux.dlms.enums.ErrorCode;
import gurux.dlms.enums.ObjectType;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map.Entry;
import java.util.concurrent.CompletableFuture;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.model.IndexReading;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.model.Register;

/**
 * What the head-end reads from a meter: the index registers now, the daily profile's midnight rows, the
 * gas index, the clock, the invocation counter. Each in as few round trips as the meter allows.
 */
public final class MeterReads {
    private final Association association;
    private final AttributeAccess access;
    private final Scalers scalers;
    private final ProfileReads profiles;
    private final MeterProfile profile;
    private final InstantSource clock;

    MeterReads(Association association, AttributeAccess access, Scalers scalers, ProfileReads profiles, InstantSource clock) {
        this.association = association;
        this.access = access;
        this.scalers = scalers;
        this.profiles = profiles;
        this.profile = association.target().profile();
        this.clock = clock;
    }

    /** The index registers of the meter profile, scaled, as the meter has them now. */
    public CompletableFuture<IndexReading> indexes() {
        List<String> obis = profile.indexRegisters();
        Instant at = clock.instant();
        return valuesWithScalers(obis, ObjectType.REGISTER).thenApply(values -> {
            List<Register> regs = new ArrayList<>(obis.size());
            for (int k = 0; k < obis.size(); k++) regs.add(scalers.scale(obis.get(k), values.get(k)));
            return new IndexReading(at, regs);
        });
    }

    /**
     * The value (attribute 2) of each register; when their scaler_unit is not cached yet, it comes in
     * the same GET-with-list (one round trip instead of two).
     */
    private CompletableFuture<List<Object>> valuesWithScalers(List<String> obis, ObjectType type) {
        List<String> missing = scalers.missing(obis);
        if (missing.isEmpty() || !association.getWithList()) {
            return scalers.ensure(obis, type).thenCompose(v -> access.sameAttribute(obis, type, 2));
        }
        List<Entry<GXDLMSObject, Integer>> items = new ArrayList<>();
        for (String code : obis) items.add(new SimpleEntry<>(object(type, code), 2));
        for (String code : missing) items.add(new SimpleEntry<>(object(type, code), 3));
        return access.items(items).thenApply(values -> {
            scalers.store(missing, values.subList(obis.size(), values.size()));
            return values.subList(0, obis.size());
        });
    }

    /**
     * Rows of the daily profile captured from local midnight of {@code from} to local midnight of
     * {@code to}, both included, each with the profile's register columns scaled.
     */
    public CompletableFuture<List<IndexReading>> dailyIndexes(LocalDate from, LocalDate to, ZoneId zone) {
        if (to.isBefore(from)) {
            return CompletableFuture.failedFuture(association.failures().of(MeterFailureKind.INVALID_REQUEST, "read daily profile",
                    "from " + from + " is after to " + to));
        }
        String obis = profile.dailyProfile();
        GXDLMSProfileGeneric pg = profiles.profile(obis);
        return profiles.columns(pg, obis)
                .thenCompose(cols -> profiles.days(pg, cols, obis, profile.dailyProfileAccess(), from, to, zone));
    }

    /** The gas index (M-Bus channel 1 extended register), scaled. */
    public CompletableFuture<Register> gasIndex() {
        String obis = profile.gasIndex();
        return valuesWithScalers(List.of(obis), ObjectType.EXTENDED_REGISTER).thenApply(values -> scalers.scale(obis, values.get(0)));
    }

    /** The gas index and the meter's clock, read together. */
    public record GasAndClock(Register gas, Instant meterClock, Instant readAt) {
        /** How far the meter's clock is from the head-end's when it was read (positive: the meter is ahead). */
        public Duration drift() {
            return Duration.between(readAt, meterClock);
        }
    }

    /**
     * The gas index and the clock in one GET-with-list (with the gas register's scaler_unit when it is
     * not cached): the clock check of a daily read costs no extra round trip.
     */
    public CompletableFuture<GasAndClock> gasAndClock() {
        if (!association.getWithList()) {
            return gasIndex().thenCompose(g -> clock().thenApply(c -> new GasAndClock(g, c, clock.instant())));
        }
        String gas = profile.gasIndex();
        boolean needScaler = !scalers.known(gas);
        List<Entry<GXDLMSObject, Integer>> items = new ArrayList<>();
        items.add(new SimpleEntry<>(object(ObjectType.EXTENDED_REGISTER, gas), 2));
        GXDLMSClock c = new GXDLMSClock(ln(profile.clock()));
        items.add(new SimpleEntry<>(c, 2));
        if (needScaler) items.add(new SimpleEntry<>(object(ObjectType.EXTENDED_REGISTER, gas), 3));
        return access.items(items).thenApply(values -> {
            Instant at = clock.instant();
            if (needScaler) scalers.store(List.of(gas), List.of(values.get(2)));
            association.codec().updateValue(c, 2, values.get(1));
            return new GasAndClock(scalers.scale(gas, values.get(0)), c.getTime().getMeterCalendar().toInstant(), at);
        });
    }

    /** A daily read: the profile rows, and the gas index with the clock (null when the meter did not give them). */
    public record DailyRead(List<IndexReading> rows, GasAndClock gasAndClock) {
    }

    /**
     * What {@link #dailyIndexes} and then {@link #gasAndClock} read, in fewer round trips: the gas index,
     * the clock, and whatever metadata is not cached yet (the profile's capture objects, the scaler_units
     * of the registers the profile is expected to hold, the gas scaler_unit) go in one GET-with-list,
     * then the rows. A meter seen for the first time costs two requests instead of four. A gas index or
     * clock the meter refuses leaves {@code gasAndClock} null; a refused metadata attribute, or a meter
     * without GET-with-list, takes the request-by-request path.
     */
    public CompletableFuture<DailyRead> daily(LocalDate from, LocalDate to, ZoneId zone) {
        if (to.isBefore(from) || !association.getWithList()) return dailySequentially(from, to, zone);
        String profileObis = profile.dailyProfile(), gas = profile.gasIndex();
        List<MeterMetadataCache.Column> cachedColumns = profiles.cachedColumns(profileObis);
        GXDLMSProfileGeneric pg = profiles.profile(profileObis);
        GXDLMSClock c = new GXDLMSClock(ln(profile.clock()));
        List<Entry<GXDLMSObject, Integer>> items = new ArrayList<>();
        items.add(new SimpleEntry<>(object(ObjectType.EXTENDED_REGISTER, gas), 2));
        items.add(new SimpleEntry<>(c, 2));
        int metadataFrom = items.size();
        boolean gasScaler = !scalers.known(gas);
        if (gasScaler) items.add(new SimpleEntry<>(object(ObjectType.EXTENDED_REGISTER, gas), 3));
        if (cachedColumns == null) items.add(new SimpleEntry<>(pg, 3));
        // the columns are not known before the capture objects are read: ask for the scalers of the
        // profile's registers now; a profile with other columns costs one request more, below
        List<String> expected = cachedColumns != null ? ProfileReads.registerColumns(cachedColumns) : profile.indexRegisters();
        List<String> scalersAsked = scalers.missing(expected);
        for (String o : scalersAsked) items.add(new SimpleEntry<>(object(ObjectType.REGISTER, o), 3));
        String step = "GET " + AttributeAccess.describe(items);
        return access.list(step, items).thenCompose(values -> {
            for (int k = metadataFrom; k < values.size(); k++) {
                if (values.get(k) instanceof ErrorCode) return dailySequentially(from, to, zone);
            }
            Instant at = clock.instant();
            int k = metadataFrom;
            if (gasScaler) scalers.store(List.of(gas), Collections.singletonList(values.get(k++)));
            List<MeterMetadataCache.Column> cols = cachedColumns;
            if (cols == null) cols = profiles.storeColumns(pg, profileObis, step, values.get(k++));
            scalers.store(scalersAsked, values.subList(k, k + scalersAsked.size()));
            GasAndClock gasAndClock = null;
            if (!(values.get(0) instanceof ErrorCode) && !(values.get(1) instanceof ErrorCode)) {
                try {
                    association.codec().updateValue(c, 2, values.get(1));
                    gasAndClock = new GasAndClock(scalers.scale(gas, values.get(0)), c.getTime().getMeterCalendar().toInstant(), at);
                } catch (RuntimeException unreadable) {
                    // as on the request-by-request path: the rows are kept without gas and clock
                }
            }
            GasAndClock gc = gasAndClock;
            return profiles.days(pg, cols, profileObis, profile.dailyProfileAccess(), from, to, zone)
                    .thenApply(rows -> new DailyRead(rows, gc));
        }).exceptionallyCompose(e -> {
            MeterException m = MeterException.find(e);
            // a meter that refuses the list as a whole: one request per item, as meters without lists
            if (m != null && m.step() != null && m.step().equals(step) && switch (m.kind()) {
                case OBJECT_UNAVAILABLE, ACCESS_DENIED, REQUEST_REFUSED -> true;
                default -> false;
            }) {
                return dailySequentially(from, to, zone);
            }
            return CompletableFuture.failedFuture(e);
        });
    }

    private CompletableFuture<DailyRead> dailySequentially(LocalDate from, LocalDate to, ZoneId zone) {
        return dailyIndexes(from, to, zone).thenCompose(rows -> gasAndClock()
                .handle((gc, e) -> new DailyRead(rows, e == null ? gc : null)));
    }

    /** The meter's clock. */
    public CompletableFuture<Instant> clock() {
        GXDLMSClock c = new GXDLMSClock(ln(profile.clock()));
        return access.read(c, 2).thenApply(value -> {
            association.codec().updateValue(c, 2, value);
            return c.getTime().getMeterCalendar().toInstant();
        });
    }

    /** Sets the meter's clock and returns the time read back. */
    public CompletableFuture<Instant> setClock(Instant time) {
        GXDLMSClock c = new GXDLMSClock(ln(profile.clock()));
        c.setTime(new GXDateTime(Date.from(time)));
        return access.write(c, 2).thenCompose(r -> clock());
    }

    /** The meter's invocation counter object (what the public client reads before a ciphered session). */
    public CompletableFuture<Long> invocationCounter() {
        String obis = profile.invocationCounter();
        return access.attributes(ObjectType.DATA, obis, List.of(2)).thenApply(v -> {
            if (v.get(0) instanceof Number n) return n.longValue();
            throw association.failures().of(MeterFailureKind.MALFORMED_RESPONSE, "GET " + obis + "/2",
                    "the invocation counter is not a number: " + DlmsValues.printable(v.get(0)));
        });
    }
}
