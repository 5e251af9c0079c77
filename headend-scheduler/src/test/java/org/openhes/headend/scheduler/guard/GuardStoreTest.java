package org.openhes.headend.scheduler.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openhes.headend.scheduler.TestDatabase;
import org.openhes.headend.scheduler.db.Database;
import org.openhes.headend.scheduler.db.Sql;
import org.openhes.headend.scheduler.keys.KeyVault;
import org.openhes.headend.scheduler.keys.MasterKey;
import org.openhes.headend.scheduler.meters.Ean;
import org.openhes.headend.scheduler.meters.MeterRegistry;

class GuardStoreTest {
    static Database db;
    static GuardStore store;
    static String meter;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        store = new GuardStore(db.dataSource());
        String body = "5414488" + String.format("%010d", 77);
        meter = body + Ean.checkDigit(body);
        new MeterRegistry(db.dataSource(), new KeyVault(db.dataSource(), MasterKey.fromBase64("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")))
                .importCsv(new StringReader(MeterRegistry.CSV_HEADER + "\n" + meter + ",S77,127.1.0.1,4059,wrapper,1,1,hls-gmac,"
                        + "4F48530100000001,000102030405060708090A0B0C0D0E0F,101112131415161718191A1B1C1D1E1F,,emucs,customer=protected\n"));
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void the_migrated_policy_is_the_default_and_a_replaced_one_comes_back_whole() {
        assertThat(store.policy()).isEqualTo(GuardPolicy.defaults());
        GuardPolicy p = new GuardPolicy("segment=social", GuardPolicy.ProtectedAction.REFUSE, 1500, false, true, LocalTime.of(9, 0),
                LocalTime.of(15, 30), List.of(new GuardPolicy.Period(LocalDate.of(2026, 11, 1), LocalDate.of(2027, 3, 15), "winter truce")),
                GuardPolicy.WindowAction.REFUSE);
        store.replace(p, "admin");
        assertThat(store.policy()).isEqualTo(p);
        store.replace(GuardPolicy.defaults(), "admin");
        assertThat(store.policy()).isEqualTo(GuardPolicy.defaults());
    }

    @Test
    void a_meters_holds_are_kept_until_they_end_and_can_be_removed() {
        Instant t = Instant.parse("2026-12-03T09:00:00Z");
        MeterHold past = store.addHold(meter, t.minusSeconds(7200), t.minusSeconds(3600), "ended", "operator");
        MeterHold now = store.addHold(meter, t.minusSeconds(60), t.plusSeconds(86_400), "medical certificate", "operator");
        assertThat(store.holds(meter, t)).containsExactly(now);
        assertThat(store.removeHold(meter, now.id())).isTrue();
        assertThat(store.removeHold(meter, now.id())).isFalse();
        assertThat(store.holds(meter, t)).isEmpty();
        assertThat(past.id()).isPositive();
    }

    @Test
    void an_override_is_recorded_with_who_and_why() {
        UUID command = UUID.randomUUID();
        Sql.tx(db.dataSource(), c -> {
            GuardStore.recordOverride(c, command, "operator-7", "customer asked for disconnection (moving out)", "weekend");
            return null;
        });
        assertThat(store.overrides(command)).containsExactly("operator-7: customer asked for disconnection (moving out) (weekend)");
    }
}
