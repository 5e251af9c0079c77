package org.openhes.headend.protocol.session;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.openhes.headend.protocol.model.MeterProfile;

/**
 * A meter profile file written from a meter's object list, to start the profile of a new meter type:
 * each key takes the current profile's OBIS code when the meter has it with the expected class, else
 * the meter's object of that class that looks like it (OBIS groups C and D), and says so in a comment;
 * a key with no candidate stays the current profile's value, commented as missing.
 */
public final class ProfileSkeleton {
    private ProfileSkeleton() {
    }

    private record Role(String key, int classId, String current, Predicate<String> looksLike) {
    }

    private static Predicate<String> obis(String regex) {
        Pattern p = Pattern.compile(regex);
        return o -> p.matcher(o).matches();
    }

    public static String write(String name, MeterProfile current, List<MeterObject> objects) {
        List<Role> roles = List.of(
                new Role("daily.profile", 7, current.dailyProfile(), obis("1-0:99\\.2\\..*|1-0:98\\.1\\..*")),
                new Role("clock", 8, current.clock(), o -> true),
                new Role("disconnector", 70, current.disconnector(), o -> true),
                new Role("limiter", 71, current.limiter(), o -> true),
                new Role("limiter.monitored.value", 3, current.activePower(), obis("1-0:1\\.7\\..*|1-0:16\\.7\\..*")),
                new Role("message", 1, current.message(), obis("0-0:96\\.13\\..*")),
                new Role("gas.index", 4, current.gasIndex(), obis("0-\\d+:24\\.2\\..*")),
                new Role("gas.valve", 70, current.gasValve(), obis("0-\\d+:24\\.4\\..*")),
                new Role("invocation.counter", 1, current.invocationCounter(), obis("0-0:43\\.1\\..*")),
                new Role("tariff", 1, current.tariff(), obis("0-0:96\\.14\\..*")),
                new Role("association", 15, current.association(), obis("0-0:40\\.0\\.0\\.255")),
                new Role("security.setup", 64, current.securitySetup(), obis("0-0:43\\.0\\..*")));
        StringBuilder sb = new StringBuilder();
        sb.append("# Meter profile written by `headend inspect` from the meter's object list (format: docs/meter-profiles.md).\n");
        sb.append("# Check every line against the meter's documentation before registering meters with it.\n");
        sb.append("name = ").append(name).append('\n');
        sb.append("description = written by headend inspect from ").append(current.name()).append('\n');
        sb.append(registers(current, objects));
        sb.append("daily.profile.access = ").append(current.dailyProfileAccess().name().toLowerCase(java.util.Locale.ROOT)).append('\n');
        for (Role r : roles) sb.append(line(r, objects));
        sb.append("message.max.length = ").append(current.messageMaxLength()).append('\n');
        sb.append("public.client.sap = ").append(current.publicClientSap()).append('\n');
        return sb.toString();
    }

    private static String registers(MeterProfile current, List<MeterObject> objects) {
        List<String> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String o : current.indexRegisters()) {
            if (has(objects, o, 3)) found.add(o);
            else missing.add(o);
        }
        StringBuilder sb = new StringBuilder();
        if (!missing.isEmpty()) {
            List<String> candidates = new ArrayList<>();
            for (MeterObject m : objects) {
                if (m.classId() == 3 && m.obis().matches("1-0:[12]\\.8\\.[0-9]+\\.255") && !current.indexRegisters().contains(m.obis())) {
                    candidates.add(m.obis());
                }
            }
            sb.append("# not on the meter: ").append(String.join(", ", missing))
                    .append(candidates.isEmpty() ? "" : "; energy registers it has: " + String.join(", ", candidates)).append('\n');
        }
        sb.append("index.registers = ").append(String.join(", ", current.indexRegisters())).append('\n');
        return sb.toString();
    }

    private static String line(Role r, List<MeterObject> objects) {
        if (has(objects, r.current(), r.classId())) return r.key() + " = " + r.current() + "\n";
        List<String> candidates = new ArrayList<>();
        for (MeterObject m : objects) if (m.classId() == r.classId() && r.looksLike().test(m.obis())) candidates.add(m.obis());
        if (candidates.isEmpty()) {
            return "# not on the meter (no object of class " + r.classId() + " found): kept from the base profile\n"
                    + r.key() + " = " + r.current() + "\n";
        }
        String others = candidates.size() > 1 ? "; other candidates: " + String.join(", ", candidates.subList(1, candidates.size())) : "";
        return "# " + r.current() + " is not on the meter; taken: the meter's class " + r.classId() + " object " + candidates.get(0) + others + "\n"
                + r.key() + " = " + candidates.get(0) + "\n";
    }

    private static boolean has(List<MeterObject> objects, String obis, int classId) {
        for (MeterObject m : objects) if (m.obis().equals(obis) && m.classId() == classId) return true;
        return false;
    }
}
