package org.openhes.headend.protocol.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openhes.headend.protocol.model.MeterProfile;

/**
 * A meter profile held against a meter's object list: which of the profile's objects the meter has,
 * with the class the head-end expects and the access it needs; which are missing; what else is there.
 */
public final class ProfileMatch {
    private ProfileMatch() {
    }

    /** One object of the profile: {@code ok}, {@code missing}, {@code wrong-class} or {@code no-access} (with what). */
    public record Finding(String role, String obis, int expectedClass, String status, Integer meterClass, Integer meterVersion,
                          List<String> problems) {
        public Finding {
            problems = List.copyOf(problems);
        }

        public boolean ok() {
            return status.equals("ok");
        }
    }

    /** The findings per profile object, and the meter's objects the profile does not name. */
    public record Report(String profile, List<Finding> findings, List<MeterObject> extra) {
        public Report {
            findings = List.copyOf(findings);
            extra = List.copyOf(extra);
        }

        public long problems() {
            return findings.stream().filter(f -> !f.ok()).count();
        }
    }

    public static Report of(MeterProfile profile, List<MeterObject> objects) {
        Map<String, MeterObject> byObis = new HashMap<>();
        for (MeterObject o : objects) byObis.putIfAbsent(o.obis(), o);
        List<Finding> findings = new ArrayList<>();
        java.util.Set<String> named = new java.util.HashSet<>();
        for (MeterProfile.ObjectUse use : profile.objects()) {
            named.add(use.obis());
            MeterObject o = byObis.get(use.obis());
            if (o == null) {
                findings.add(new Finding(use.role(), use.obis(), use.classId(), "missing", null, null, List.of("not in the object list")));
                continue;
            }
            if (o.classId() != use.classId()) {
                findings.add(new Finding(use.role(), use.obis(), use.classId(), "wrong-class", o.classId(), o.version(),
                        List.of("class " + o.classId() + " where " + use.classId() + " is expected")));
                continue;
            }
            List<String> problems = new ArrayList<>();
            for (int a : use.reads()) if (!o.mayRead(a)) problems.add("attribute " + a + " not readable (" + o.attributes().getOrDefault(a, "none") + ")");
            for (int a : use.writes()) if (!o.mayWrite(a)) problems.add("attribute " + a + " not writable (" + o.attributes().getOrDefault(a, "none") + ")");
            for (int m : use.methods()) if (!o.mayInvoke(m)) problems.add("method " + m + " not allowed (" + o.methods().getOrDefault(m, "none") + ")");
            findings.add(new Finding(use.role(), use.obis(), use.classId(), problems.isEmpty() ? "ok" : "no-access", o.classId(), o.version(), problems));
        }
        List<MeterObject> extra = new ArrayList<>();
        for (MeterObject o : objects) if (!named.contains(o.obis())) extra.add(o);
        return new Report(profile.name(), findings, extra);
    }
}
