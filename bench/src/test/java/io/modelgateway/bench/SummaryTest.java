package io.modelgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void percentilesComeFromTheHistogramInMicroseconds() {
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i); // 1..1000 us
        }
        Percentiles p = Percentiles.of(h);
        assertThat(p.count()).isEqualTo(1000);
        assertThat(p.p50()).isEqualTo(500);
        assertThat(p.p90()).isEqualTo(900);
        assertThat(p.p99()).isEqualTo(990);
        assertThat(p.p999()).isEqualTo(999);
        assertThat(p.max()).isEqualTo(1000);
    }

    @Test
    void addedLatencyIsTheDifferenceAtEachPercentile() {
        Percentiles direct = new Percentiles(100, 200, 250, 400, 900, 3000);
        Percentiles gateway = new Percentiles(100, 450, 520, 1300, 1800, 2500);
        Percentiles added = gateway.minus(direct);
        assertThat(added.values()).containsExactly(250, 270, 900, 900, -500);
        assertThat(added.row("added")).contains("0.250", "0.270", "0.900", "-0.500");
        assertThat(gateway.minus(new Percentiles(0, 0, 0, 0, 0, 0)).isEmpty()).isTrue();
    }

    @Test
    void millisecondsKeepMicrosecondResolution() {
        assertThat(Percentiles.ms(245)).isEqualTo("0.245");
        assertThat(Percentiles.ms(1)).isEqualTo("0.001");
        assertThat(Percentiles.ms(-12)).isEqualTo("-0.012");
        assertThat(Percentiles.ms(12_345)).isEqualTo("12.345");
    }

    @Test
    void goalsSayWhetherAndByHowMuchTheyWereMissed() {
        assertThat(Goal.atMost("p50", 0.3, 0.25, "ms").verdict()).isEqualTo("met");
        assertThat(Goal.atMost("p50", 0.3, 0.3, "ms").verdict()).isEqualTo("met");
        assertThat(Goal.atMost("p50", 0.3, 0.45, "ms").verdict()).isEqualTo("missed by 0.150 ms (1.5x the target)");
        assertThat(Goal.atLeast("ratio", 0.5, 0.31, "").verdict()).isEqualTo("missed by 0.19");
        assertThat(Goal.atLeast("ratio", 0.5, 0.62, "").measuredAndMet()).isTrue();
        assertThat(Goal.atMost("p50", 0.3, null, "ms").verdict()).isEqualTo("not measured");
        assertThat(Goal.atMost("p50", 0.3, null, "ms").measuredAndMet()).isFalse();
        assertThat(Goal.atMost("p99", 1.0, 0.5, "ms").target()).isEqualTo("<= 1.000 ms");
    }

    @Test
    void phaseResultCountsEverythingThatWasNotASuccess() {
        PhaseResult r = new PhaseResult("latency", "gateway");
        for (int i = 0; i < 10; i++) {
            r.sent(1_000);
        }
        r.success(250_400, true); // 250.4 us -> 250
        r.success(1_000_600, true); // 1000.6 us -> 1001
        r.error("HTTP 503", "busy");
        r.error("HTTP 503", "busy again");
        r.errors("not sent", 3, "behind");
        r.close(1_000_000_000L);
        r.success(5_000, true); // late: ignored
        assertThat(r.okCount()).isEqualTo(2);
        assertThat(r.errorCount()).isEqualTo(5);
        assertThat(r.unfinished()).isEqualTo(3);
        assertThat(r.failures()).isEqualTo(8);
        assertThat(r.errorsByKind()).containsEntry("HTTP 503", 2L).containsEntry("not sent", 3L);
        assertThat(r.sample("HTTP 503")).isEqualTo("busy");
        assertThat(r.latency().p50()).isEqualTo(250);
        assertThat(r.latency().max()).isBetween(1000L, 1001L);
        assertThat(r.throughput()).isEqualTo(2.0);
    }
}
