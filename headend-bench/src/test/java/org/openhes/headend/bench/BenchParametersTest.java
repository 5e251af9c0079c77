package org.openhes.headend.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchParametersTest {
    private static BenchParameters with(Duration latency, Duration jitter, int meters) {
        return new BenchParameters(meters, latency, jitter, 500, Duration.ofSeconds(20), 20, 256, 2000, 0);
    }

    @Test
    void aDurationCarriesItsUnit() {
        assertThat(BenchParameters.duration("--latency", "1000ms")).isEqualTo(Duration.ofSeconds(1));
        assertThat(BenchParameters.duration("--latency", "1s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(BenchParameters.duration("--duration", "2m")).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aBareNumberIsRefusedWithTheUnitsToChooseFrom() {
        // the spec said milliseconds and the code read seconds: `--latency 1000` ran 1,000 s per exchange
        assertThatThrownBy(() -> BenchParameters.duration("--latency", "1000"))
                .hasMessage("--latency 1000 is not a duration: give the unit, e.g. 1000ms or 1000s");
        assertThatThrownBy(() -> BenchParameters.duration("--jitter", "fast")).hasMessageContaining("--jitter fast is not a duration");
    }

    @Test
    void anExchangeNearTheResponseTimeoutIsRefused() {
        assertThatThrownBy(() -> with(Duration.ofSeconds(1000), Duration.ZERO, 10))
                .hasMessageContaining("--latency 1000000ms plus --jitter 0ms per exchange").hasMessageContaining("every session would time out");
        assertThatThrownBy(() -> with(Duration.ofSeconds(4), Duration.ofSeconds(2), 10)).hasMessageContaining("response timeout");
        assertThat(with(Duration.ofSeconds(1), Duration.ofMillis(200), 10).latency()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void anEmptyFleetIsRefused() {
        assertThatThrownBy(() -> with(Duration.ZERO, Duration.ZERO, 0)).hasMessage("--meters must be at least 1 (was 0)");
    }
}
