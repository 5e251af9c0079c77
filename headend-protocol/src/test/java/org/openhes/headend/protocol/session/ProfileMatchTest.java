package org.openhes.headend.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openhes.headend.protocol.model.MeterProfile;
import org.openhes.headend.protocol.model.MeterProfiles;

class ProfileMatchTest {
    private static MeterObject object(int classId, String obis, String attributes, String methods) {
        Map<Integer, String> access = new java.util.TreeMap<>();
        for (int a = 2; a <= 9; a++) access.put(a, attributes);
        return new MeterObject(classId, 0, obis, access, Map.of(1, methods, 2, methods));
    }

    /** Every object of the emucs profile, readable and writable, as a fitting meter lists them. */
    static List<MeterObject> fittingMeter() {
        List<MeterObject> out = new ArrayList<>();
        for (MeterProfile.ObjectUse u : MeterProfile.emucs().objects()) out.add(object(u.classId(), u.obis(), "read-write", "access"));
        return out;
    }

    @Test
    void a_meter_with_every_object_and_right_fits_the_profile() {
        List<MeterObject> meter = fittingMeter();
        meter.add(object(7, "1-0:99.1.0.255", "read", "none"));
        ProfileMatch.Report r = ProfileMatch.of(MeterProfile.emucs(), meter);
        assertThat(r.problems()).isZero();
        assertThat(r.extra()).extracting(MeterObject::obis).containsExactly("1-0:99.1.0.255");
    }

    @Test
    void missing_objects_wrong_classes_and_missing_rights_are_named() {
        List<MeterObject> meter = fittingMeter();
        meter.removeIf(o -> o.obis().equals("0-0:96.13.1.255"));
        meter.replaceAll(o -> o.obis().equals("0-0:17.0.0.255") ? object(71, o.obis(), "read", "access")
                : o.obis().equals("0-0:96.3.10.255") ? object(70, o.obis(), "read", "none")
                : o.obis().equals("0-1:24.2.1.255") ? object(3, o.obis(), "read", "none") : o);
        ProfileMatch.Report r = ProfileMatch.of(MeterProfile.emucs(), meter);
        assertThat(r.problems()).isEqualTo(4);
        assertThat(r.findings()).filteredOn(f -> !f.ok()).extracting(ProfileMatch.Finding::role, ProfileMatch.Finding::status)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("message", "missing"),
                        org.assertj.core.groups.Tuple.tuple("limiter", "no-access"),
                        org.assertj.core.groups.Tuple.tuple("disconnector", "no-access"),
                        org.assertj.core.groups.Tuple.tuple("gas index", "wrong-class"));
        assertThat(r.findings()).filteredOn(f -> f.role().equals("disconnector")).singleElement()
                .satisfies(f -> assertThat(f.problems()).containsExactly("method 1 not allowed (none)", "method 2 not allowed (none)"));
        assertThat(r.findings()).filteredOn(f -> f.role().equals("limiter")).singleElement()
                .satisfies(f -> assertThat(f.problems()).containsExactly("attribute 4 not writable (read)"));
    }

    @Test
    void a_skeleton_takes_the_meters_own_objects_where_the_profile_has_none_and_parses_back() {
        List<MeterObject> meter = fittingMeter();
        meter.removeIf(o -> o.obis().equals("0-0:96.13.1.255") || o.obis().equals("1-0:99.2.0.255"));
        meter.add(object(1, "0-0:96.13.0.255", "read-write", "none"));
        meter.add(object(7, "1-0:98.1.0.255", "read", "none"));
        String text = ProfileSkeleton.write("vendor-x", MeterProfile.emucs(), meter);
        assertThat(text).contains("# 0-0:96.13.1.255 is not on the meter; taken: the meter's class 1 object 0-0:96.13.0.255");
        MeterProfile p = MeterProfiles.parse("skeleton", text);
        assertThat(p.name()).isEqualTo("vendor-x");
        assertThat(p.message()).isEqualTo("0-0:96.13.0.255");
        assertThat(p.dailyProfile()).isEqualTo("1-0:98.1.0.255");
        assertThat(ProfileMatch.of(p, meter).problems()).isZero();
    }
}
