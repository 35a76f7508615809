package io.modelgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void intendedStartsAreEvenlySpacedFromTheStart() {
        Schedule s = new Schedule(1_000_000L, 1000);
        assertThat(s.intendedStart(0)).isEqualTo(1_000_000L);
        assertThat(s.intendedStart(1)).isEqualTo(2_000_000L);
        assertThat(s.intendedStart(5)).isEqualTo(6_000_000L);
        assertThat(s.intendedStart(20_000)).isEqualTo(1_000_000L + 20_000_000_000L);
    }

    @Test
    void nonIntegerPeriodsDoNotDrift() {
        Schedule s = new Schedule(0, 3); // period 333_333_333.33 ns
        assertThat(s.intendedStart(1)).isEqualTo(333_333_333L);
        assertThat(s.intendedStart(2)).isEqualTo(666_666_667L);
        assertThat(s.intendedStart(3)).isEqualTo(1_000_000_000L);
        assertThat(s.intendedStart(3_000)).isEqualTo(1_000_000_000_000L);
        for (long i = 1; i < 10_000; i++) {
            long gap = s.intendedStart(i) - s.intendedStart(i - 1);
            assertThat(gap).isBetween(333_333_333L, 333_333_334L);
        }
    }

    @Test
    void countIsRateTimesSeconds() {
        assertThat(Schedule.count(1000, 20)).isEqualTo(20_000);
        assertThat(Schedule.count(200, 2.5)).isEqualTo(500);
        assertThat(Schedule.count(0.1, 1)).isEqualTo(1);
        assertThatThrownBy(() -> Schedule.count(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Schedule(0, -5)).isInstanceOf(IllegalArgumentException.class);
    }
}
