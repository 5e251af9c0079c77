package org.openhes.headend.api.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.openhes.headend.protocol.model.IndexReading;
import org.openhes.headend.protocol.model.Register;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code headend read}: the four index registers now, and optionally daily profile rows. */
@Command(name = "read", description = "Read the four index registers of one meter (and its daily profile with --daily-from/--daily-to).")
final class ReadCommand implements Callable<Integer> {
    @Mixin
    MeterOptions meter;

    @Option(names = "--daily-from", paramLabel = "YYYY-MM-DD", description = "First day of daily profile rows to read.")
    LocalDate dailyFrom;

    @Option(names = "--daily-to", paramLabel = "YYYY-MM-DD", description = "Last day of daily profile rows to read (default: --daily-from).")
    LocalDate dailyTo;

    @Option(names = "--zone", defaultValue = "Europe/Brussels", description = "Time zone of the meter's midnight captures (default: ${DEFAULT-VALUE}).")
    ZoneId zone;

    @Override
    public Integer call() throws Exception {
        boolean json = OneMeter.json(meter);
        if (dailyTo != null && dailyFrom == null) throw new OneMeter.BadOption("--daily-to needs --daily-from");
        LocalDate to = dailyTo == null ? dailyFrom : dailyTo;
        record Result(IndexReading now, List<IndexReading> daily) {
        }
        Result r = OneMeter.run(meter, "read", s -> s.reads().indexes().thenCompose(now -> dailyFrom == null
                ? CompletableFuture.completedFuture(new Result(now, List.of()))
                : s.reads().dailyIndexes(dailyFrom, to, zone).thenApply(rows -> new Result(now, rows))));
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("meter", meter.meter);
            out.put("readAt", r.now().capturedAt().toString());
            out.put("registers", registers(r.now().registers()));
            if (dailyFrom != null) {
                List<Object> daily = new ArrayList<>();
                for (IndexReading row : r.daily()) {
                    daily.add(Map.of("capturedAt", row.capturedAt().toString(), "registers", registers(row.registers())));
                }
                out.put("daily", daily);
            }
            System.out.println(OneMeter.JSON.writeValueAsString(out));
        } else {
            System.out.println("meter " + meter.meter + " read at " + r.now().capturedAt());
            for (Register reg : r.now().registers()) System.out.println("  " + reg);
            for (IndexReading row : r.daily()) {
                System.out.println("daily " + row.capturedAt().atZone(zone).toLocalDateTime() + " (" + zone + ")");
                for (Register reg : row.registers()) System.out.println("  " + reg);
            }
        }
        return 0;
    }

    private static List<Object> registers(List<Register> regs) {
        List<Object> out = new ArrayList<>();
        for (Register r : regs) out.add(OneMeter.register(r));
        return out;
    }

    static String instant(Instant t) {
        return t.toString();
    }
}
