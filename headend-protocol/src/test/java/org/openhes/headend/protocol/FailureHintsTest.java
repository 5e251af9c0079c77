package org.openhes.headend.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every failure kind has a hint for each reader: flags at the command line, the registry and settings for a stored meter. */
class FailureHintsTest {
    @Test
    void aStoredMeterHintNeverNamesACommandLineFlag() {
        for (MeterFailureKind kind : MeterFailureKind.values()) {
            assertThat(kind.hint(HintContext.STORED_METER)).as(kind.name()).isNotBlank().doesNotContain("--");
            assertThat(kind.hint(HintContext.COMMAND_LINE)).as(kind.name()).isNotBlank();
        }
    }

    @Test
    void wrongKeysPointAtTheFlagsOnTheCommandLineAndAtTheRegistryForAStoredMeter() {
        assertThat(MeterFailureKind.AUTHENTICATION_FAILED.hint(HintContext.COMMAND_LINE)).contains("--ek/--ak").contains("--system-title");
        assertThat(MeterFailureKind.AUTHENTICATION_FAILED.hint(HintContext.STORED_METER))
                .contains("check the meter's keys (or password) and system title in the registry").contains("client.system.title");
        assertThat(MeterFailureKind.ASSOCIATION_REJECTED.hint(HintContext.COMMAND_LINE)).contains("--client-sap/--server-sap");
        assertThat(MeterFailureKind.ASSOCIATION_REJECTED.hint(HintContext.STORED_METER)).contains("in the registry");
        assertThat(MeterFailureKind.UNREACHABLE.hint(HintContext.STORED_METER)).contains("the meter's address in the registry");
    }

    @Test
    void aStoredMeterHintNeverPromisesARetryWhichADeadLetterWouldContradict() {
        for (MeterFailureKind kind : MeterFailureKind.values()) {
            assertThat(kind.hint(HintContext.STORED_METER)).as(kind.name()).doesNotContain("retried").doesNotContain("try again");
        }
    }
}
