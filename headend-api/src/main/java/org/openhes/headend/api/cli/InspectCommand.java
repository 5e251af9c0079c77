package org.openhes.headend.api.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.openhes.headend.protocol.MeterException;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.session.MeterObject;
import org.openhes.headend.protocol.session.MeterSession;
import org.openhes.headend.protocol.session.Negotiated;
import org.openhes.headend.protocol.session.ProfileMatch;
import org.openhes.headend.protocol.session.ProfileSkeleton;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code headend inspect}: what a meter has, against what its profile says — for onboarding a new
 * meter type. Reads the association's object list, the negotiated conformance and PDU size, the clock
 * and the invocation counter, and compares the objects with the meter profile.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Read a meter's object list, conformance, PDU size, clock and counter, and compare them with its meter profile.")
final class InspectCommand implements Callable<Integer> {
    @Mixin
    MeterOptions meter;

    @Option(names = "--write-profile", paramLabel = "FILE",
            description = "Write a profile skeleton (FILE.profile) from the meter's object list, to start a new meter type's profile.")
    Path writeProfile;

    @Option(names = "--all", description = "List every object of the meter the profile does not name (default: count them).")
    boolean all;

    /** What one session learnt. */
    record Inspection(Negotiated negotiated, List<MeterObject> objects, Instant clock, Long invocationCounter, String counterProblem) {
    }

    @Override
    public Integer call() throws Exception {
        boolean json = OneMeter.json(meter);
        MeterProfile profile = OneMeter.profile(meter);
        Inspection in = OneMeter.run(meter, "inspect", InspectCommand::inspect);
        ProfileMatch.Report report = ProfileMatch.of(profile, in.objects());
        if (writeProfile != null) {
            String file = writeProfile.getFileName().toString();
            String name = file.endsWith(".profile") ? file.substring(0, file.length() - ".profile".length()) : file;
            Path target = file.endsWith(".profile") ? writeProfile : writeProfile.resolveSibling(file + ".profile");
            Files.writeString(target, ProfileSkeleton.write(name, profile, in.objects()));
            System.err.println("profile skeleton written to " + target);
        }
        if (json) System.out.println(OneMeter.JSON.writeValueAsString(json(in, report)));
        else print(in, report);
        return report.problems() == 0 ? 0 : 4;
    }

    static CompletableFuture<Inspection> inspect(MeterSession s) {
        Negotiated negotiated = s.negotiated();
        return s.inspection().objectList().thenCompose(objects -> s.reads().clock().thenCompose(clock ->
                s.reads().invocationCounter()
                        .thenApply(ic -> new Inspection(negotiated, objects, clock, ic, null))
                        .exceptionally(e -> {
                            MeterException m = MeterException.find(e);
                            if (m == null) throw new IllegalStateException(e);
                            return new Inspection(negotiated, objects, clock, null, m.kind().words());
                        })));
    }

    private Map<String, Object> json(Inspection in, ProfileMatch.Report report) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("meter", meter.meter);
        out.put("profile", report.profile());
        out.put("negotiated", Map.of("conformance", in.negotiated().conformance(), "maxPduSize", in.negotiated().maxPduSize(),
                "meterSystemTitle", String.valueOf(in.negotiated().meterSystemTitle())));
        out.put("clock", in.clock().toString());
        out.put("invocationCounter", in.invocationCounter() != null ? in.invocationCounter() : "unreadable: " + in.counterProblem());
        List<Object> findings = new ArrayList<>();
        for (ProfileMatch.Finding f : report.findings()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("role", f.role());
            m.put("obis", f.obis());
            m.put("expectedClass", f.expectedClass());
            m.put("status", f.status());
            if (f.meterClass() != null) {
                m.put("meterClass", f.meterClass());
                m.put("meterVersion", f.meterVersion());
            }
            if (!f.problems().isEmpty()) m.put("problems", f.problems());
            findings.add(m);
        }
        out.put("findings", findings);
        out.put("problems", report.problems());
        List<Object> extra = new ArrayList<>();
        for (MeterObject o : report.extra()) extra.add(Map.of("classId", o.classId(), "version", o.version(), "obis", o.obis()));
        out.put("objects", in.objects().size());
        out.put("notInProfile", extra);
        return out;
    }

    private void print(Inspection in, ProfileMatch.Report report) {
        System.out.println("meter " + meter.meter + ", profile " + report.profile());
        System.out.println("  negotiated: max PDU " + in.negotiated().maxPduSize() + " bytes, system title "
                + in.negotiated().meterSystemTitle() + ", conformance " + String.join(" ", in.negotiated().conformance()));
        System.out.println("  clock " + in.clock() + ", invocation counter "
                + (in.invocationCounter() != null ? in.invocationCounter() : "unreadable (" + in.counterProblem() + ")"));
        System.out.println("  " + in.objects().size() + " objects in the object list; the profile's:");
        for (ProfileMatch.Finding f : report.findings()) {
            System.out.printf("  %-11s %-26s %-18s class %d%s%n", f.status(), f.role(), f.obis(), f.expectedClass(),
                    f.problems().isEmpty() || f.ok() && f.meterVersion() == null ? "" : "  " + String.join("; ", f.problems()));
        }
        System.out.println("  " + report.extra().size() + " objects not in the profile" + (all || report.extra().isEmpty() ? ":" : " (--all lists them)"));
        if (all) for (MeterObject o : report.extra()) System.out.printf("    class %-3d v%d  %s%n", o.classId(), o.version(), o.obis());
        System.out.println(report.problems() == 0 ? "the profile fits the meter" : report.problems() + " profile object(s) do not fit the meter");
    }
}
