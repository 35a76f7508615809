package io.modelgateway.gateway.quota.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.EstimationProbe;
import io.lettuce.core.RedisClient;
import io.modelgateway.gateway.Replicas;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BucketStore#peek}, what quotes ask, on both stores (in memory and the real Redis on 127.0.0.1:6379,
 * through Bucket4j's Lettuce proxy) with a clock that moves only when told: it says whether a charge could be
 * taken and how long until it could, and takes nothing.
 */
class BucketPeekTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ClockTimeMeter time = new ClockTimeMeter(clock);
    private final RedisClient client = RedisClient.create(Replicas.REDIS);

    @AfterEach
    void close() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }

    @Test
    void inMemoryPeekTakesNothing() {
        peekTakesNothingAndNamesTheWait(new LocalBuckets(time, 1, "memory"));
    }

    @Test
    void redisPeekTakesNothing() {
        RedisBuckets redis = new RedisBuckets(client, time, Duration.ofSeconds(2));
        redis.connect();
        try {
            peekTakesNothingAndNamesTheWait(redis);
        } finally {
            redis.close();
        }
    }

    private void peekTakesNothingAndNamesTheWait(BucketStore store) {
        QuotaBucket tpm =
                QuotaBucket.of("peek-test:" + UUID.randomUUID(), QuotaBucket.Kind.TOKENS, 600); // 10 tokens a second
        assertThat(store.tryConsume(tpm, 550).join().isConsumed()).isTrue();

        for (int i = 0; i < 5; i++) {
            EstimationProbe p = store.peek(tpm, 100).join();
            assertThat(p.canBeConsumed()).isFalse();
            assertThat(p.getRemainingTokens()).as("peeking took nothing").isEqualTo(50);
            assertThat(p.getNanosToWaitForRefill())
                    .isEqualTo(Duration.ofSeconds(5).toNanos());
        }
        EstimationProbe fits = store.peek(tpm, 50).join();
        assertThat(fits.canBeConsumed()).isTrue();
        assertThat(fits.getRemainingTokens()).isEqualTo(50);
        assertThat(store.tryConsume(tpm, 50).join().isConsumed())
                .as("the peeked 50 are still there")
                .isTrue();

        clock.advance(Duration.ofSeconds(10));
        EstimationProbe later = store.peek(tpm, 100).join();
        assertThat(later.canBeConsumed()).isTrue();
        assertThat(store.tryConsume(tpm, 100).join().getRemainingTokens()).isZero();
    }
}
