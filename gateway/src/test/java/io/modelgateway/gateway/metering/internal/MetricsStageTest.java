package io.modelgateway.gateway.metering.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.config.GatewayProperties.Kind;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.metering.MetricNames;
import io.modelgateway.gateway.metering.MetricsProperties;
import io.modelgateway.gateway.metering.TenantLabels;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.CallResult;
import io.modelgateway.gateway.pipeline.Operation;
import io.modelgateway.gateway.pipeline.Outcome;
import io.modelgateway.inference.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/** The stage's series: tenant labels are capped, refusals are counted by kind, GenAI timings are right. */
class MetricsStageTest {

    /** The stage never calls the backend; a deployment needs one all the same. */
    private static final io.modelgateway.gateway.deployment.HttpUpstream UNUSED_UPSTREAM =
            new io.modelgateway.gateway.deployment.HttpUpstream(
                    "unused",
                    java.net.URI.create("http://127.0.0.1:1/v1"),
                    null,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1));

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Deployment ECHO = new Deployment(
            "echo",
            Kind.CHAT,
            "echo",
            null,
            null,
            null,
            256,
            4096,
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            Duration.ofMinutes(10),
            UNUSED_UPSTREAM,
            null);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static Call call(String tenant) {
        return new Call(
                "req-" + tenant,
                new Caller(tenant, "key-1", Set.of(), Set.of("*")),
                ECHO,
                Operation.CHAT,
                false,
                java.util.List.of("hi"),
                Set.of(),
                10,
                100,
                1,
                200,
                T0,
                new HttpHeaders());
    }

    @Test
    void tenantsBeyondTheCapShareTheOtherLabel() {
        MetricsStage stage = new MetricsStage(registry, new MetricsProperties(2, Duration.ofSeconds(15)));
        for (String tenant : new String[] {"a", "b", "c", "d", "a"}) {
            stage.complete(call(tenant), new CallResult(Outcome.FAILED, CallResult.NO_USAGE, 503, "x", T0));
        }
        assertThat(registry.get(MetricNames.REQUESTS)
                        .tag("tenant", "a")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get(MetricNames.REQUESTS)
                        .tag("tenant", "b")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get(MetricNames.REQUESTS)
                        .tag("tenant", "other")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.find(MetricNames.REQUESTS).tag("tenant", "c").counter())
                .isNull();
        assertThat(registry.get(MetricNames.TENANT_LABELS).gauge().value()).isEqualTo(2);
    }

    @Test
    void refusalsAreCountedByKindAndNeverReachTheGenAiMetrics() {
        MetricsStage stage = new MetricsStage(registry, new MetricsProperties(100, Duration.ofSeconds(15)));
        stage.complete(call("t"), new CallResult(Outcome.REFUSED, CallResult.NO_USAGE, 429, "rate_limit_exceeded", T0));
        stage.complete(call("t"), new CallResult(Outcome.REFUSED, CallResult.NO_USAGE, 429, "insufficient_quota", T0));
        stage.complete(call("t"), new CallResult(Outcome.REFUSED, CallResult.NO_USAGE, 400, "content_filter", T0));

        assertThat(registry.get(MetricNames.QUOTA_REJECTIONS)
                        .tag("kind", "rate_limit_exceeded")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get(MetricNames.QUOTA_REJECTIONS)
                        .tag("kind", "insufficient_quota")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get(MetricNames.REFUSALS)
                        .tag("kind", "content_filter")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get(MetricNames.REQUESTS).tag("outcome", "refused").counters())
                .hasSize(2);
        assertThat(registry.find(MetricNames.GEN_AI_TOKEN_USAGE).summary()).isNull();
    }

    @Test
    void timingsComeFromTheCallsMoments() {
        MetricsStage stage = new MetricsStage(registry, new MetricsProperties(100, Duration.ofSeconds(15)));
        Call call = call("t");
        call.markForwarded();
        call.markFirstToken(T0.plusMillis(100));
        stage.complete(
                call, new CallResult(Outcome.COMPLETED, new TokenUsage(10, 11, false), 200, null, T0.plusMillis(600)));

        assertThat(registry.get(MetricNames.GEN_AI_REQUEST_DURATION).timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(600);
        assertThat(registry.get(MetricNames.GEN_AI_TIME_TO_FIRST_TOKEN).timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(100);
        assertThat(registry.get(MetricNames.GEN_AI_TIME_PER_OUTPUT_TOKEN)
                        .timer()
                        .totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(50); // 500 ms for the 10 tokens after the first
        assertThat(registry.get(MetricNames.GEN_AI_TOKEN_USAGE)
                        .tag("gen_ai.token.type", "output")
                        .summary()
                        .totalAmount())
                .isEqualTo(11);
        assertThat(registry.get(MetricNames.GEN_AI_TOKEN_USAGE)
                        .tag("gen_ai.token.type", "input")
                        .summary()
                        .totalAmount())
                .isEqualTo(10);
    }

    @Test
    void tenantLabelsStayCappedUnderConcurrency() throws Exception {
        TenantLabels labels = new TenantLabels(50);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < 8; t++) {
            int offset = t;
            pool.submit(() -> {
                go.await();
                for (int i = 0; i < 1000; i++) {
                    labels.of("tenant-" + ((i * 7 + offset) % 200));
                }
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(labels.size()).isEqualTo(50);
        long own = java.util.stream.IntStream.range(0, 200)
                .mapToObj(i -> labels.of("tenant-" + i))
                .filter(l -> !l.equals(TenantLabels.OTHER))
                .count();
        assertThat(own).isEqualTo(50);
        assertThat(labels.of(null)).isEqualTo(TenantLabels.NONE);
    }
}
