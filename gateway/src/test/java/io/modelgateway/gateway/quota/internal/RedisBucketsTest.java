package io.modelgateway.gateway.quota.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.modelgateway.gateway.Replicas;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Redis store keeps a bounded number of bucket proxies; forgetting them loses no bucket (real Redis). */
class RedisBucketsTest {

    private final ClockTimeMeter time = new ClockTimeMeter(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));
    private final RedisClient client = RedisClient.create(Replicas.REDIS);

    @AfterEach
    void close() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }

    @Test
    void proxiesStayBoundedAndTheBucketsSurviveTheirEviction() {
        RedisBuckets redis = new RedisBuckets(client, time, Duration.ofSeconds(2), 3);
        redis.connect();
        try {
            String run = "proxy-bound-test:" + UUID.randomUUID();
            QuotaBucket first = QuotaBucket.of(run + ":0", QuotaBucket.Kind.REQUESTS, 5);
            assertThat(redis.tryConsume(first, 4).join().getRemainingTokens()).isEqualTo(1);
            for (int i = 1; i < 20; i++) {
                redis.tryConsume(QuotaBucket.of(run + ":" + i, QuotaBucket.Kind.REQUESTS, 5), 1)
                        .join();
                assertThat(redis.proxies()).isBetween(1, 3);
            }
            assertThat(redis.tryConsume(first, 1).join().getRemainingTokens())
                    .as("the first bucket, its proxy long forgotten, still has what it had in Redis")
                    .isZero();
            assertThat(redis.tryConsume(first, 1).join().isConsumed()).isFalse();
        } finally {
            redis.close();
        }
    }
}
