package org.openhes.headend.protocol.session;

import gurux.dlms.GXDateTime;
import gurux.dlms.enums.DataType;
import gurux.dlms.enums.ObjectType;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.openhes.headend.protocol.MeterFailureKind;
import org.openhes.headend.protocol.model.LogEntry;
import org.openhes.headend.protocol.model.MeterLog;

import static org.openhes.headend.protocol.session.DlmsValues.ln;

/**
 * The meter's logs and its alarm register. A log is read by range on its clock column (the columns come
 * from the meter, attribute 3, cached): its clock and the first other column, the event code or the
 * duration. A meter that refuses the range is read whole (logs hold tens to hundreds of entries) and
 * filtered here, and remembered as such for the rest of the process.
 */
public final class EventLogReads {
    private final Association association;
    private final AttributeAccess access;
    private final ProfileReads profiles;
    private final MeterMetadataCache cache;

    EventLogReads(Association association, AttributeAccess access, ProfileReads profiles, MeterMetadataCache cache) {
        this.association = association;
        this.access = access;
        this.profiles = profiles;
        this.cache = cache;
    }

    /** The entries of {@code log} the meter time-stamped in [from, to], oldest first. */
    public CompletableFuture<List<LogEntry>> entries(MeterLog log, Instant from, Instant to) {
        if (to.isBefore(from)) {
            return CompletableFuture.failedFuture(association.failures().of(MeterFailureKind.INVALID_REQUEST, "read " + log.key(),
                    "from " + from + " is after to " + to));
        }
        String obis = association.target().profile().logs().obis(log);
        String meterId = association.target().meterId();
        GXDLMSProfileGeneric pg = profiles.profile(obis);
        return profiles.columns(pg, obis).thenCompose(cols -> {
            int clock = -1, value = -1;
            for (int k = 0; k < cols.size(); k++) {
                if (cols.get(k).classId() == 8 && clock < 0) clock = k;
                else if (value < 0) value = k;
            }
            if (clock < 0 || value < 0) {
                throw association.failures().of(MeterFailureKind.MALFORMED_RESPONSE, "GET " + obis + "/3",
                        "a log needs a clock column and a value column; its capture objects are " + cols);
            }
            Columns c = new Columns(log, clock, value);
            if (cache.readsByEntry(meterId, obis)) return whole(pg, c, obis, from, to);
            String step = "GET " + obis + "/2 by range";
            return association.exchange(step, () -> association.codec().readRowsByRange(pg, Date.from(from), Date.from(to)))
                    .thenApply(reply -> rows(pg, c, reply.getValue(), from, to))
                    .exceptionallyCompose(e -> {
                        if (!ProfileReads.refusedSelector(e, step)) return CompletableFuture.failedFuture(e);
                        cache.readByEntry(meterId, obis);
                        return whole(pg, c, obis, from, to);
                    });
        });
    }

    /** The alarm register's bits. */
    public CompletableFuture<Long> alarmRegister() {
        String obis = association.target().profile().logs().alarmRegister();
        return access.get(ObjectType.DATA.getValue(), obis, 2).thenApply(v -> {
            if (!(v instanceof Number n)) {
                throw association.failures().of(MeterFailureKind.MALFORMED_RESPONSE, "GET " + obis + "/2",
                        "the alarm register is not a number: " + DlmsValues.printable(List.of(v)));
            }
            return n.longValue() & 0xFFFF_FFFFL;
        });
    }

    /** Clears the alarm register (writes 0 as double-long-unsigned). */
    public CompletableFuture<Void> clearAlarmRegister() {
        GXDLMSData register = new GXDLMSData(ln(association.target().profile().logs().alarmRegister()));
        register.setDataType(2, DataType.UINT32);
        register.setValue(0L);
        return access.write(register, 2);
    }

    private CompletableFuture<List<LogEntry>> whole(GXDLMSProfileGeneric pg, Columns c, String obis, Instant from, Instant to) {
        return access.read(pg, 2).thenApply(buffer -> rows(pg, c, buffer, from, to));
    }

    private List<LogEntry> rows(GXDLMSProfileGeneric pg, Columns c, Object buffer, Instant from, Instant to) {
        association.codec().updateValue(pg, 2, buffer);
        List<LogEntry> out = new ArrayList<>();
        for (Object r : pg.getBuffer()) {
            Object[] row = (Object[]) r;
            if (c.clock >= row.length || !(row[c.clock] instanceof GXDateTime t)
                    || c.value >= row.length || !(row[c.value] instanceof Number v)) {
                throw association.failures().of(MeterFailureKind.MALFORMED_RESPONSE, "read " + c.log.key(),
                        "a log row needs a date-time and a number: " + DlmsValues.printable(row));
            }
            Instant at = t.getMeterCalendar().toInstant();
            if (!at.isBefore(from) && !at.isAfter(to)) out.add(new LogEntry(c.log, at, v.longValue()));
        }
        out.sort(Comparator.comparing(LogEntry::at));
        return out;
    }

    private record Columns(MeterLog log, int clock, int value) {
    }
}
