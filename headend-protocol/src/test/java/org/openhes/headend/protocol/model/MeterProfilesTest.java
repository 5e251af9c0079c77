package org.openhes.headend.protocol.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeterProfilesTest {
    @Test
    void the_shipped_emucs_profile_names_the_objects_of_the_dlms_notes() {
        MeterProfile p = MeterProfile.emucs();
        assertThat(p.indexRegisters()).containsExactly("1-0:1.8.1.255", "1-0:1.8.2.255", "1-0:2.8.1.255", "1-0:2.8.2.255");
        assertThat(p.dailyProfile()).isEqualTo("1-0:99.2.0.255");
        assertThat(p.dailyProfileAccess()).isEqualTo(ProfileAccess.RANGE);
        assertThat(p.disconnector()).isEqualTo("0-0:96.3.10.255");
        assertThat(p.publicClientSap()).isEqualTo(16);
        assertThat(p.messageMaxLength()).isEqualTo(64);
    }

    @Test
    void a_profile_file_takes_what_it_does_not_say_from_its_base() {
        MeterProfile p = MeterProfiles.parse("test", """
                name = entry-meter
                base = emucs
                daily.profile = 1-0:98.1.0.255
                daily.profile.access = entry
                event.log.standard = 0-0:99.98.1.255
                alarm.register.clear = false
                """);
        assertThat(p.name()).isEqualTo("entry-meter");
        assertThat(p.logs().standardEventLog()).isEqualTo("0-0:99.98.1.255");
        assertThat(p.logs().clearAlarmRegister()).isFalse();
        assertThat(p.logs().disconnectorControlLog()).isEqualTo(MeterProfile.emucs().logs().disconnectorControlLog());
        assertThat(p.logs().obis(MeterLog.POWER_FAILURE_LOG)).isEqualTo("1-0:99.97.0.255");
        assertThat(p.dailyProfile()).isEqualTo("1-0:98.1.0.255");
        assertThat(p.dailyProfileAccess()).isEqualTo(ProfileAccess.ENTRY);
        assertThat(p.clock()).isEqualTo(MeterProfile.emucs().clock());
    }

    @Test
    void a_bad_file_fails_naming_the_key_and_the_value() {
        assertThatThrownBy(() -> MeterProfiles.parse("f.profile", "name = x\nbase = emucs\nclock = 0-0:1.0.0\n"))
                .hasMessage("f.profile: clock must be an OBIS code such as 1-0:1.8.1.255 (was 0-0:1.0.0)");
        assertThatThrownBy(() -> MeterProfiles.parse("f.profile", "name = x\nbase = emucs\nclok = 0-0:1.0.0.255\n"))
                .hasMessageStartingWith("f.profile: unknown key clok");
        assertThatThrownBy(() -> MeterProfiles.parse("f.profile", "name = x\nbase = emucs\ndaily.profile.access = sometimes\n"))
                .hasMessage("f.profile: daily.profile.access must be range or entry (was sometimes)");
        assertThatThrownBy(() -> MeterProfiles.parse("f.profile", "name = x\nbase = emucs\npublic.client.sap = 300\n"))
                .hasMessage("f.profile: public.client.sap must be an integer from 1 to 127 (was 300)");
        assertThatThrownBy(() -> MeterProfiles.parse("f.profile", "name = x\nclock = 0-0:1.0.0.255\n"))
                .hasMessageContaining("is missing");
        assertThatThrownBy(() -> MeterProfiles.parse("f.profile", "name = x\nbase = nothing\n"))
                .hasMessage("f.profile: base nothing is not a known profile");
        assertThatThrownBy(() -> MeterProfiles.parse("f.profile", "name = x\nbase = emucs\nindex.registers = 1-0:1.8.1.256\n"))
                .hasMessageContaining("index.registers must be an OBIS code");
        assertThatThrownBy(() -> MeterProfiles.parse("f.profile", "name = x\nbase = emucs\nalarm.register.clear = sometimes\n"))
                .hasMessage("f.profile: alarm.register.clear must be true or false (was sometimes)");
    }

    @Test
    void log_codes_are_named_by_their_log_and_unknown_ones_say_their_number() {
        assertThat(MeterLog.STANDARD_EVENT_LOG.eventName(1)).isEqualTo("POWER_DOWN");
        assertThat(MeterLog.DISCONNECTOR_CONTROL_LOG.eventName(62)).isEqualTo("REMOTE_DISCONNECTION");
        assertThat(MeterLog.STANDARD_EVENT_LOG.eventName(62)).as("a code means something in its own log only").isEqualTo("CODE_62");
        assertThat(MeterLog.DISCONNECTOR_CONTROL_LOG.eventName(1000)).isEqualTo("CODE_1000");
        assertThat(MeterLog.POWER_FAILURE_LOG.eventName(2700)).isEqualTo("POWER_FAILURE");
        assertThat(MeterLog.DISCONNECTOR_CONTROL_LOG.key()).isEqualTo("disconnector-control-log");
    }

    @Test
    void a_directory_adds_its_profiles_to_the_shipped_ones_and_they_may_build_on_each_other(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("vendor-b.profile"), "base = vendor-a\nmessage = 0-0:96.13.0.255\n");
        Files.writeString(dir.resolve("vendor-a.profile"), "base = emucs\ndaily.profile.access = entry\n");
        MeterProfiles all = MeterProfiles.load(dir);
        assertThat(all.names()).containsExactly("emucs", "vendor-a", "vendor-b");
        MeterProfile b = all.named("vendor-b");
        assertThat(b.dailyProfileAccess()).isEqualTo(ProfileAccess.ENTRY);
        assertThat(b.message()).isEqualTo("0-0:96.13.0.255");
        assertThatThrownBy(() -> all.named("vendor-c")).hasMessage("unknown meter profile vendor-c (known: emucs, vendor-a, vendor-b)");
    }

    @Test
    void profiles_naming_each_other_as_base_are_refused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.profile"), "base = b\n");
        Files.writeString(dir.resolve("b.profile"), "base = a\n");
        assertThatThrownBy(() -> MeterProfiles.load(dir)).hasMessageContaining("name each other as base");
    }
}
