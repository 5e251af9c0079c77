package org.openhes.headend.scheduler.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SlowStartTest {
    private static final long S = 1_000_000_000L;

    @Test
    void fromIdleTheRoomFillsOverOneSessionTimeNotAtOnce() {
        SlowStart ramp = new SlowStart(1000, 0);
        for (int i = 0; i < 20; i++) ramp.ended(9 * S); // sessions of about 9 s (1 s per exchange)
        assertThat(ramp.ramp()).isBetween(Duration.ofSeconds(7), Duration.ofSeconds(9));
        long t = 10 * S;
        int running = 0;
        running += ramp.allowance(t, running);
        assertThat(running).isEqualTo(50); // a twentieth at once
        running += ramp.allowance(t + ramp.ramp().toNanos() / 2, running);
        assertThat(running).isBetween(500, 540); // half way: about half the room
        assertThat(ramp.allowance(t + ramp.ramp().toNanos() / 2, running)).isZero();
        running += ramp.allowance(t + ramp.ramp().toNanos() + 1, running);
        assertThat(running).isEqualTo(1000); // after one session time: all of it
    }

    @Test
    void shortSessionsMakeAShortRamp() {
        SlowStart ramp = new SlowStart(500, 0);
        for (int i = 0; i < 50; i++) ramp.ended(300_000_000L);
        assertThat(ramp.ramp()).isLessThan(Duration.ofMillis(400));
        assertThat(ramp.allowance(S, 0)).isEqualTo(25);
        assertThat(ramp.allowance(S + 400_000_000L, 25)).isEqualTo(475);
    }

    @Test
    void aBusyRoomIsNotHeldBackAndAnIdleSpellStartsTheRampAgain() {
        SlowStart ramp = new SlowStart(400, 0);
        assertThat(ramp.allowance(60 * S, 0)).isEqualTo(20); // idle until now: the ramp starts now
        assertThat(ramp.allowance(65 * S, 20)).isEqualTo(190); // half of the first guess of 10 s: about half the room
        assertThat(ramp.allowance(71 * S, 300)).isEqualTo(100); // past it: the whole room
        assertThat(ramp.allowance(80 * S, 390)).isEqualTo(10);
        assertThat(ramp.allowance(90 * S, 2)).isEqualTo(18); // the room emptied: ramp again
    }

    @Test
    void aSmallRoomIsNotRamped() {
        SlowStart ramp = new SlowStart(8, 0);
        assertThat(ramp.allowance(S, 0)).isEqualTo(8);
    }

    @Test
    void theFirstSessionToEndReplacesTheGuess() {
        SlowStart ramp = new SlowStart(100, 0);
        assertThat(ramp.ramp()).isEqualTo(SlowStart.FIRST_GUESS);
        ramp.ended(200_000_000L); // a fast network: 200 ms
        assertThat(ramp.ramp()).isEqualTo(Duration.ofMillis(200));
        ramp.ended(1_200_000_000L);
        assertThat(ramp.ramp()).isEqualTo(Duration.ofMillis(300)); // then the mean of recent ones
    }

    @Test
    void theRampIsBoundedHoweverSlowSessionsAre() {
        SlowStart ramp = new SlowStart(100, 0);
        for (int i = 0; i < 100; i++) ramp.ended(600 * S);
        assertThat(ramp.ramp()).isEqualTo(SlowStart.LONGEST);
    }
}
