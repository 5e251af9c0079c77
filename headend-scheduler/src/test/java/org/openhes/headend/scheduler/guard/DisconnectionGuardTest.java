package org.openhes.headend.scheduler.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DisconnectionGuardTest {
    static final ZoneId BXL = ZoneId.of("Europe/Brussels");
    static final DisconnectionGuard GUARD = new DisconnectionGuard(BXL);
    /** Weekends, public holidays and 08:00-16:00, protected customers limited: what a Walloon operator would set. */
    static final GuardPolicy POLICY = new GuardPolicy("customer=protected", GuardPolicy.ProtectedAction.LIMIT, 2300, true, true,
            LocalTime.of(8, 0), LocalTime.of(16, 0), List.of(), GuardPolicy.WindowAction.HOLD);

    static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(BXL).toInstant();
    }

    static GuardDecision disconnect(GuardPolicy p, String when, Map<String, String> labels, List<MeterHold> holds) {
        return GUARD.decide(p, "DISCONNECT", labels, holds, at(when), false);
    }

    @Test
    void the_belgian_public_holidays_include_the_movable_ones() {
        assertThat(BelgianHolidays.easter(2026)).isEqualTo(LocalDate.of(2026, 4, 5));
        assertThat(BelgianHolidays.easter(2027)).isEqualTo(LocalDate.of(2027, 3, 28));
        for (String d : List.of("2026-01-01", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-25", "2026-07-21", "2026-08-15",
                "2026-11-01", "2026-11-11", "2026-12-25")) {
            assertThat(BelgianHolidays.isHoliday(LocalDate.parse(d))).as(d).isTrue();
        }
        assertThat(BelgianHolidays.isHoliday(LocalDate.parse("2026-04-05"))).as("Easter Sunday is a Sunday, not a legal holiday").isFalse();
        assertThat(BelgianHolidays.isHoliday(LocalDate.parse("2026-12-26"))).isFalse();
    }

    @Test
    void a_new_installation_limits_protected_customers_and_holds_nothing() {
        assertThat(disconnect(GuardPolicy.defaults(), "2026-12-06T03:00", Map.of(), List.of())).isEqualTo(GuardDecision.ALLOW);
        assertThat(disconnect(GuardPolicy.defaults(), "2026-12-06T03:00", Map.of("customer", "protected"), List.of()).verdict())
                .isEqualTo(GuardDecision.Verdict.LIMIT);
    }

    @Test
    void a_disconnection_on_a_working_day_within_hours_passes() {
        assertThat(disconnect(POLICY, "2026-12-03T10:00", Map.of(), List.of())).isEqualTo(GuardDecision.ALLOW);
    }

    @Test
    void reconnections_and_limits_are_never_held_or_refused() {
        Instant sunday = at("2026-12-06T03:00");
        for (String type : List.of("RECONNECT", "SET_POWER_LIMIT", "CLEAR_POWER_LIMIT", "DISPLAY_BALANCE", "GAS_RECONNECT")) {
            assertThat(GUARD.decide(POLICY, type, Map.of("customer", "protected"), List.of(), sunday, false)).as(type).isEqualTo(GuardDecision.ALLOW);
        }
    }

    @Test
    void a_protected_customer_gets_the_power_limit_and_keeps_gas() {
        assertThat(disconnect(POLICY, "2026-12-03T10:00", Map.of("customer", "protected"), List.of()))
                .isEqualTo(GuardDecision.limit("protected-customer", 2300));
        assertThat(GUARD.decide(POLICY, "GAS_DISCONNECT", Map.of("customer", "protected"), List.of(), at("2026-12-03T10:00"), false))
                .isEqualTo(GuardDecision.refuse("protected-customer"));
        GuardPolicy refuse = new GuardPolicy("customer=protected", GuardPolicy.ProtectedAction.REFUSE, 2300, true, true,
                LocalTime.of(8, 0), LocalTime.of(16, 0), List.of(), GuardPolicy.WindowAction.HOLD);
        assertThat(disconnect(refuse, "2026-12-03T10:00", Map.of("customer", "protected"), List.of()).verdict()).isEqualTo(GuardDecision.Verdict.REFUSE);
    }

    @Test
    void a_friday_evening_disconnection_waits_for_monday_morning() {
        GuardDecision d = disconnect(POLICY, "2026-12-04T17:30", Map.of(), List.of());
        assertThat(d.verdict()).isEqualTo(GuardDecision.Verdict.HOLD);
        assertThat(d.rule()).isEqualTo("outside 08:00-16:00");
        assertThat(d.until()).isEqualTo(at("2026-12-07T08:00"));
        assertThat(disconnect(POLICY, "2026-12-05T10:00", Map.of(), List.of()).rule()).isEqualTo("weekend");
    }

    @Test
    void a_public_holiday_before_a_weekend_holds_to_the_next_working_morning() {
        // Friday 25 December 2026: Christmas, then the weekend
        GuardDecision d = disconnect(POLICY, "2026-12-25T09:00", Map.of(), List.of());
        assertThat(d.rule()).isEqualTo("public-holiday");
        assertThat(d.until()).isEqualTo(at("2026-12-28T08:00"));
    }

    @Test
    void an_early_morning_disconnection_waits_for_the_days_start_across_dst() {
        // Monday 30 March 2026, the day after clocks went forward: 08:00 is 06:00 UTC, not 07:00
        GuardDecision d = disconnect(POLICY, "2026-03-30T06:30", Map.of(), List.of());
        assertThat(d.until()).isEqualTo(Instant.parse("2026-03-30T06:00:00Z"));
        // Monday 26 October 2026, after clocks went back: 08:00 is 07:00 UTC
        assertThat(disconnect(POLICY, "2026-10-26T07:00", Map.of(), List.of()).until()).isEqualTo(Instant.parse("2026-10-26T07:00:00Z"));
    }

    @Test
    void a_winter_truce_and_a_meters_own_hold_are_windows_too() {
        GuardPolicy truce = new GuardPolicy("customer=protected", GuardPolicy.ProtectedAction.LIMIT, 2300, true, true,
                LocalTime.of(8, 0), LocalTime.of(16, 0), List.of(new GuardPolicy.Period(LocalDate.of(2026, 12, 1),
                LocalDate.of(2027, 3, 15), "winter truce")), GuardPolicy.WindowAction.HOLD);
        GuardDecision d = disconnect(truce, "2026-12-03T10:00", Map.of(), List.of());
        assertThat(d.rule()).isEqualTo("period 2026-12-01..2027-03-15: winter truce");
        assertThat(d.until()).isEqualTo(at("2027-03-16T08:00"));
        MeterHold medical = new MeterHold(1, "541448800000000017", at("2026-12-03T00:00"), at("2026-12-10T12:00"), "medical certificate");
        GuardDecision h = disconnect(POLICY, "2026-12-03T10:00", Map.of(), List.of(medical));
        assertThat(h.rule()).isEqualTo("meter-hold: medical certificate");
        assertThat(h.until()).as("the hold ends at noon, within hours").isEqualTo(at("2026-12-10T12:00"));
    }

    @Test
    void a_policy_that_refuses_in_windows_refuses_and_an_override_passes() {
        GuardPolicy refusing = new GuardPolicy(null, GuardPolicy.ProtectedAction.LIMIT, 2300, true, true, LocalTime.of(8, 0),
                LocalTime.of(16, 0), List.of(), GuardPolicy.WindowAction.REFUSE);
        assertThat(disconnect(refusing, "2026-12-06T10:00", Map.of(), List.of())).isEqualTo(GuardDecision.refuse("weekend"));
        assertThat(GUARD.decide(refusing, "DISCONNECT", Map.of(), List.of(), at("2026-12-06T10:00"), true)).isEqualTo(GuardDecision.ALLOW);
    }

    @Test
    void a_bad_policy_says_what_is_wrong() {
        assertThatThrownBy(() -> new GuardPolicy("protected", GuardPolicy.ProtectedAction.LIMIT, 2300, true, true, null, null, List.of(),
                GuardPolicy.WindowAction.HOLD)).hasMessageContaining("key=value");
        assertThatThrownBy(() -> new GuardPolicy(null, GuardPolicy.ProtectedAction.LIMIT, 50, true, true, null, null, List.of(),
                GuardPolicy.WindowAction.HOLD)).hasMessageContaining("between 100 and 100000");
        assertThatThrownBy(() -> new GuardPolicy(null, GuardPolicy.ProtectedAction.LIMIT, 2300, true, true, LocalTime.of(16, 0),
                LocalTime.of(8, 0), List.of(), GuardPolicy.WindowAction.HOLD)).hasMessageContaining("before dayEnd");
    }
}
