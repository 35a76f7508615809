package io.modelgateway.gateway.metering.outcome.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.metering.outcome.OutcomeClass;
import io.modelgateway.gateway.pipeline.CallResult;
import io.modelgateway.gateway.pipeline.Outcome;
import io.modelgateway.gateway.quota.internal.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Counts per minute and key; a drain takes each count once; restored counts come back; calls are classed. */
class OutcomeCounterTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:30Z"));
    final OutcomeCounter counter = new OutcomeCounter(clock);

    @Test
    void aDrainTakesEveryCountOnceByMinuteAndKey() {
        counter.record("acme", "echo", OutcomeClass.OK, null);
        counter.record("acme", "echo", OutcomeClass.OK, null);
        counter.record(null, null, OutcomeClass.CLIENT_ERROR, "invalid_api_key");
        clock.advance(Duration.ofMinutes(1));
        counter.record("acme", "echo", OutcomeClass.OK, null);

        Map<OutcomeCounter.Key, Long> first = byKey(counter.drain());
        long m0 = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
        assertThat(first)
                .containsOnly(
                        Map.entry(new OutcomeCounter.Key(m0, "acme", "echo", OutcomeClass.OK, ""), 2L),
                        Map.entry(new OutcomeCounter.Key(m0, "", "", OutcomeClass.CLIENT_ERROR, "invalid_api_key"), 1L),
                        Map.entry(new OutcomeCounter.Key(m0 + 60, "acme", "echo", OutcomeClass.OK, ""), 1L));
        assertThat(counter.drain()).as("nothing twice").isEmpty();

        counter.record("acme", "echo", OutcomeClass.OK, null);
        List<OutcomeCounter.Count> failedWrite = counter.drain();
        counter.restore(failedWrite);
        assertThat(byKey(counter.drain()))
                .containsOnly(Map.entry(new OutcomeCounter.Key(m0 + 60, "acme", "echo", OutcomeClass.OK, ""), 1L));
    }

    @Test
    void answeredCallsAreCountedInTheirOwnMinuteAcrossDrainsThatForgetOldMinutes() {
        long m0 = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
        counter.record("acme", "echo", OutcomeClass.OK, "");
        counter.record("acme", "other", OutcomeClass.OK, null);
        assertThat(byKey(counter.drain()))
                .containsOnly(
                        Map.entry(new OutcomeCounter.Key(m0, "acme", "echo", OutcomeClass.OK, ""), 1L),
                        Map.entry(new OutcomeCounter.Key(m0, "acme", "other", OutcomeClass.OK, ""), 1L));
        clock.advance(Duration.ofMinutes(3));
        assertThat(counter.drain())
                .as("the old minute is forgotten, nothing counted since")
                .isEmpty();
        counter.record("acme", "echo", OutcomeClass.OK, null);
        counter.record("acme", "echo", OutcomeClass.OK, null);
        clock.advance(Duration.ofMinutes(1));
        counter.record("acme", "echo", OutcomeClass.OK, null);
        assertThat(byKey(counter.drain()))
                .containsOnly(
                        Map.entry(new OutcomeCounter.Key(m0 + 180, "acme", "echo", OutcomeClass.OK, ""), 2L),
                        Map.entry(new OutcomeCounter.Key(m0 + 240, "acme", "echo", OutcomeClass.OK, ""), 1L));
    }

    @Test
    void callsAreClassedByStatusAndHowTheyEnded() {
        Instant t = clock.instant();
        assertThat(OutcomeStage.classOf(new CallResult(Outcome.COMPLETED, CallResult.NO_USAGE, 200, null, t)))
                .isEqualTo(OutcomeClass.OK);
        assertThat(OutcomeStage.classOf(
                        new CallResult(Outcome.REFUSED, CallResult.NO_USAGE, 429, "rate_limit_exceeded", t)))
                .isEqualTo(OutcomeClass.CLIENT_ERROR);
        assertThat(OutcomeStage.classOf(
                        new CallResult(Outcome.FILTERED, CallResult.NO_USAGE, 200, "content_filter", t)))
                .isEqualTo(OutcomeClass.CLIENT_ERROR);
        assertThat(OutcomeStage.classOf(
                        new CallResult(Outcome.CUT_SHORT, CallResult.NO_USAGE, 200, "backend_error", t)))
                .isEqualTo(OutcomeClass.SERVER_ERROR);
        assertThat(OutcomeStage.classOf(
                        new CallResult(Outcome.FAILED, CallResult.NO_USAGE, 503, "backend_unavailable", t)))
                .isEqualTo(OutcomeClass.SERVER_ERROR);
        assertThat(OutcomeStage.classOf(
                        new CallResult(Outcome.CUT_SHORT, CallResult.NO_USAGE, 499, "client_closed_request", t)))
                .isEqualTo(OutcomeClass.CANCELLED);
        assertThat(OutcomeStage.code(new CallResult(Outcome.FAILED, CallResult.NO_USAGE, 502, null, t)))
                .isEqualTo("status_502");
    }

    private static Map<OutcomeCounter.Key, Long> byKey(List<OutcomeCounter.Count> counts) {
        return counts.stream().collect(Collectors.toMap(OutcomeCounter.Count::key, OutcomeCounter.Count::requests));
    }
}
