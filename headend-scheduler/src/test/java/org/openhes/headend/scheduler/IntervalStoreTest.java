package org.openhes.headend.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openhes.headend.scheduler.db.Database;
import org.openhes.headend.scheduler.reads.IntervalStore;
import org.openhes.headend.scheduler.reads.StoredInterval;

/** Load profile intervals on a real PostgreSQL: idempotent, in monthly partitions, read back per meter and as a stream. */
class IntervalStoreTest {
    static Database db;
    static IntervalStore store;
    static final Instant T0 = Instant.parse("2026-10-31T22:00:00Z");

    @BeforeAll
    static void open() {
        db = TestDatabase.create();
        store = new IntervalStore(db.dataSource(), () -> Instant.parse("2026-11-20T10:00:00Z"));
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static List<StoredInterval> quarters(String meter, Instant from, int n) {
        List<StoredInterval> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            out.add(new StoredInterval(meter, from.plusSeconds(900L * k), k == 3 ? 0x80 : 0,
                    BigDecimal.valueOf(1000 + 50L * k), k % 2 == 0 ? null : new BigDecimal("12.5")));
        }
        return out;
    }

    @Test
    void a_repeat_stores_nothing_twice_and_rows_land_in_their_months_partition() throws Exception {
        // 16 quarters from 23:00 UTC on 31 October: 4 in October, 12 in November
        List<StoredInterval> batch = quarters("M1", T0.plusSeconds(3600), 16);
        assertThat(store.store(batch)).isEqualTo(16);
        assertThat(store.store(batch)).as("the same batch again").isZero();
        assertThat(store.store(quarters("M1", T0.plusSeconds(3600 + 900 * 14), 4))).as("2 of 4 new").isEqualTo(2);
        List<String> parts = new ArrayList<>();
        try (var c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT tableoid::regclass::text, count(*) FROM load_intervals WHERE meter_id = 'M1' GROUP BY 1 ORDER BY 1")) {
            while (rs.next()) parts.add(rs.getString(1) + "=" + rs.getLong(2));
        }
        assertThat(parts).containsExactly("load_intervals_2026_10=4", "load_intervals_2026_11=14");

        List<StoredInterval> back = store.forMeter("M1", T0.plusSeconds(3600), T0.plusSeconds(3600 + 900 * 17));
        assertThat(back).hasSize(18);
        assertThat(back.get(0)).isEqualTo(batch.get(0));
        assertThat(back.get(3).status()).isEqualTo(0x80);
        assertThat(back.get(1).exportWh()).isEqualByComparingTo("12.5");
        assertThat(back.get(0).exportWh()).as("no export column: null, not zero").isNull();
        assertThat(store.before("M1", T0.plusSeconds(3600 + 900))).isEqualTo(batch.get(0));
        assertThat(store.before("M1", T0.plusSeconds(3600))).isNull();
        long[] size = store.sizeAndRows();
        assertThat(size[1]).isGreaterThanOrEqualTo(18);
        assertThat(size[0]).isPositive();
    }

    @Test
    void through_copy_the_same_rows_are_stored_once_with_their_feed_entry() throws Exception {
        List<StoredInterval> batch = quarters("C\\1\tX", T0.plusSeconds(86_400 * 5), 12); // a meter id COPY must escape
        assertThat(store.storeByCopy(batch)).isEqualTo(12);
        assertThat(store.storeByCopy(batch)).as("the same batch again").isZero();
        assertThat(store.store(batch)).as("and through the other path").isZero();
        List<StoredInterval> overlapping = quarters("C\\1\tX", T0.plusSeconds(86_400 * 5 + 900 * 10), 4);
        assertThat(store.storeByCopy(overlapping)).as("2 of 4 new").isEqualTo(2);
        List<StoredInterval> back = store.forMeter("C\\1\tX", T0, T0.plusSeconds(86_400 * 6));
        assertThat(back).hasSize(14);
        assertThat(back.get(0)).isEqualTo(batch.get(0));
        assertThat(back.get(3).status()).isEqualTo(0x80);
        assertThat(back.get(0).exportWh()).as("null stays null").isNull();
        assertThat(back.get(1).exportWh()).isEqualByComparingTo("12.5");
        List<String> refs = new ArrayList<>();
        try (var c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT ref FROM feed WHERE kind = 'intervals' AND meter_id = E'C\\\\1\\tX' ORDER BY id")) {
            while (rs.next()) refs.add(rs.getString(1));
        }
        assertThat(refs).as("one entry per store that added rows").hasSize(2);
        IntervalStore.Range first = IntervalStore.feedRange("C\\1\tX", refs.get(0)), second = IntervalStore.feedRange("C\\1\tX", refs.get(1));
        assertThat(second.first()).isEqualTo(overlapping.get(2).end());
        assertThat(second.last()).isEqualTo(overlapping.get(3).end());

        // a delivery batch's ranges in one query, in the asked order, each with the interval before it
        IntervalStore.Range none = new IntervalStore.Range("nobody", first.first(), first.last());
        List<IntervalStore.RangeIntervals> found = store.ranges(List.of(second, none, first));
        assertThat(found).hasSize(3);
        assertThat(found.get(0).intervals()).extracting(StoredInterval::end).containsExactly(overlapping.get(2).end(), overlapping.get(3).end());
        assertThat(found.get(0).previous()).isEqualTo(back.get(11));
        assertThat(found.get(1).intervals()).isEmpty();
        assertThat(found.get(1).previous()).isNull();
        assertThat(found.get(2).intervals()).isEqualTo(back.subList(0, 12));
        assertThat(found.get(2).previous()).as("nothing stored before the first").isNull();
    }

    @Test
    void the_newest_interval_per_meter_comes_from_one_look_up_within_the_catch_up_window() {
        Instant day = Instant.parse("2026-11-15T00:00:00Z");
        store.store(quarters("A", day, 8));
        store.store(quarters("B", day.minusSeconds(86_400 * 10), 4));
        Map<String, Instant> last = store.lastEnds(List.of("A", "B", "C"), day.minusSeconds(86_400 * 3));
        assertThat(last).containsOnlyKeys("A");
        assertThat(last.get("A")).isEqualTo(day.plusSeconds(900 * 7));
    }

    @Test
    void the_fleets_intervals_stream_ordered_by_meter_then_end() {
        Instant day = Instant.parse("2026-12-01T23:00:00Z");
        store.store(quarters("Z2", day, 4));
        store.store(quarters("Z1", day, 4));
        List<String> seen = new ArrayList<>();
        store.stream(day, day.plusSeconds(900 * 3), i -> seen.add(i.meterId() + "@" + i.end()));
        assertThat(seen).containsExactly("Z1@2026-12-01T23:15:00Z", "Z1@2026-12-01T23:30:00Z", "Z1@2026-12-01T23:45:00Z",
                "Z2@2026-12-01T23:15:00Z", "Z2@2026-12-01T23:30:00Z", "Z2@2026-12-01T23:45:00Z");
    }
}
