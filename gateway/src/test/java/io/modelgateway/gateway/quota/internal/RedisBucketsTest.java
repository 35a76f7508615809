package io.modelgateway.gateway.quota.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.lettuce.core.RedisClient;
import io.modelgateway.gateway.Replicas;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The Redis buckets' script ({@code quota-buckets.lua}, real Redis) against Bucket4j's own bucket in memory,
 * with one clock that moves only when told: random sequences of takes, looks, refunds, overrun charges
 * (below zero too) and time passing (whole microseconds, from one to minutes), on limits that do and do not
 * divide a minute (up to where Bucket4j's products of nanoseconds fit a long; the script stays exact beyond) —
 * after every step both say the same: taken or not, tokens left, nanoseconds to wait.
 */
class RedisBucketsTest {

    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private static final ClockTimeMeter TIME = new ClockTimeMeter(CLOCK);
    private static final RedisClient CLIENT = RedisClient.create(Replicas.REDIS);
    private static final RedisBuckets REDIS = connected();

    private static RedisBuckets connected() {
        RedisBuckets r = new RedisBuckets(CLIENT, TIME, Duration.ofSeconds(2));
        r.connect();
        return r;
    }

    @AfterContainer
    static void close() {
        REDIS.close();
        CLIENT.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }

    /** {@code kind}: 0 take, 1 look, 2 refund, 3 charge past the limit, 4 time passes ({@code amount} µs). */
    record Step(int kind, long amount) {}

    @Property(tries = 80)
    void theScriptIsBucket4jTokenForToken(
            @ForAll("limits") long limit, @ForAll("steps") List<Step> steps, @ForAll("both") boolean twoBuckets) {
        LocalBuckets memory = new LocalBuckets(TIME, 1, "memory");
        String run = "bucket-parity-test:" + UUID.randomUUID();
        List<QuotaBucket> meters = twoBuckets
                ? List.of(
                        QuotaBucket.of(run, QuotaBucket.Kind.REQUESTS, limit),
                        QuotaBucket.of(run, QuotaBucket.Kind.TOKENS, limit * 3 + 1))
                : List.of(QuotaBucket.of(run, QuotaBucket.Kind.TOKENS, limit));
        for (Step s : steps) {
            long[] tokens = new long[meters.size()];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = Math.max(1, s.amount() % (meters.get(i).limit() + 2)) + i;
            }
            switch (s.kind()) {
                case 0 -> {
                    List<ConsumptionProbe> m =
                            memory.tryConsumeAll(meters, tokens).join();
                    List<ConsumptionProbe> r =
                            REDIS.tryConsumeAll(meters, tokens).join();
                    for (int i = 0; i < meters.size(); i++) {
                        assertThat(r.get(i).isConsumed())
                                .as("taken, %s", s)
                                .isEqualTo(m.get(i).isConsumed());
                        assertThat(r.get(i).getRemainingTokens())
                                .as("left, %s", s)
                                .isEqualTo(m.get(i).getRemainingTokens());
                        assertThat(r.get(i).getNanosToWaitForRefill())
                                .as("wait, %s", s)
                                .isEqualTo(m.get(i).getNanosToWaitForRefill());
                    }
                }
                case 1 -> {
                    List<EstimationProbe> m = memory.peekAll(meters, tokens).join();
                    List<EstimationProbe> r = REDIS.peekAll(meters, tokens).join();
                    for (int i = 0; i < meters.size(); i++) {
                        assertThat(r.get(i).canBeConsumed())
                                .as("could take, %s", s)
                                .isEqualTo(m.get(i).canBeConsumed());
                        assertThat(r.get(i).getRemainingTokens())
                                .as("left, %s", s)
                                .isEqualTo(m.get(i).getRemainingTokens());
                        assertThat(r.get(i).getNanosToWaitForRefill())
                                .as("wait, %s", s)
                                .isEqualTo(m.get(i).getNanosToWaitForRefill());
                    }
                }
                case 2 -> {
                    memory.refund(meters.get(0), tokens[0]).join();
                    REDIS.refund(meters.get(0), tokens[0]).join();
                }
                case 3 -> {
                    memory.charge(meters.get(0), tokens[0] * 2).join();
                    REDIS.charge(meters.get(0), tokens[0] * 2).join();
                }
                default -> CLOCK.advance(Duration.ofNanos(s.amount() * 1000));
            }
        }
    }

    @Provide
    Arbitrary<Long> limits() {
        return Arbitraries.of(1L, 3L, 7L, 600L, 1000L, 60_000L, 123_457L);
    }

    @Provide
    Arbitrary<Boolean> both() {
        return Arbitraries.of(true, false);
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Long> tokens = Arbitraries.longs().between(1, 20_000_000_000L);
        Arbitrary<Long> micros = Arbitraries.oneOf(
                Arbitraries.longs().between(1, 1_000),
                Arbitraries.longs().between(1_000, 2_000_000),
                Arbitraries.longs().between(2_000_000, 200_000_000));
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, tokens.map(t -> new Step(0, t))),
                net.jqwik.api.Tuple.of(2, tokens.map(t -> new Step(1, t))),
                net.jqwik.api.Tuple.of(1, tokens.map(t -> new Step(2, t))),
                net.jqwik.api.Tuple.of(1, tokens.map(t -> new Step(3, t))),
                net.jqwik.api.Tuple.of(4, micros.map(m -> new Step(4, m))));
        return step.list().ofMinSize(1).ofMaxSize(40);
    }
}
