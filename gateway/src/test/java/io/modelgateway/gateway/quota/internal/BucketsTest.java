package io.modelgateway.gateway.quota.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.quota.QuotaProperties.Fallback;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** The three outage behaviours, with a Redis that is not there (nothing listens on port 1). */
class BucketsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final RedisClient client = RedisClient.create("redis://127.0.0.1:1");

    @AfterEach
    void close() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }

    private Buckets buckets(Fallback fallback) {
        ClockTimeMeter time = new ClockTimeMeter(clock);
        return Buckets.shared(
                new RedisBuckets(client, time, Duration.ofMillis(200)),
                new LocalBuckets(time, 2, "local-share"),
                fallback,
                clock);
    }

    @Test
    void localServesEachReplicasShareAndHealthSaysDegraded() {
        Buckets b = buckets(Fallback.LOCAL);
        assertThat(b.degraded()).isTrue();
        BucketStore store = Objects.requireNonNull(b.current(), "the local fallback serves");
        assertThat(store.name()).isEqualTo("local-share");
        assertThat(store.limit(QuotaBucket.of("k", QuotaBucket.Kind.REQUESTS, 10)))
                .isEqualTo(5);
        var health = new QuotaHealthIndicator(b).health();
        assertThat(health.getStatus()).isEqualTo(new Status("DEGRADED"));
        assertThat(health.getDetails()).containsEntry("fallback", "local").containsKey("error");
    }

    @Test
    void rejectFailsClosedWithA503() {
        Buckets b = buckets(Fallback.REJECT);
        assertThatThrownBy(b::current).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status().value()).isEqualTo(503);
            assertThat(e.code()).isEqualTo("quota_unavailable");
        });
    }

    @Test
    void allowFailsOpen() {
        assertThat(buckets(Fallback.ALLOW).current()).isNull();
    }

    @Test
    void withoutRedisTheMemoryStoreAlwaysServes() {
        Buckets b = Buckets.inMemory(new LocalBuckets(new ClockTimeMeter(clock), 1, "memory"), clock);
        assertThat(b.degraded()).isFalse();
        assertThat(Objects.requireNonNull(b.current(), "memory serves").name()).isEqualTo("memory");
        assertThat(new QuotaHealthIndicator(b).health().getStatus()).isEqualTo(Status.UP);
    }
}
