package io.modelgateway.gateway.metering.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelgateway.gateway.deployment.BackendsHealthIndicator;
import io.modelgateway.gateway.metering.MetricNames;
import io.modelgateway.gateway.metering.Scrape;
import io.modelgateway.gateway.tenancy.TenancyProperties;
import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.PoolConfig;
import io.modelgateway.modelserver.ModelServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** Backend-pool replica gauges and the Redis probe against real servers (a model server, redis-server). */
class ProbesTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Test
    void poolGaugesShowEachReplicasReadinessAndBreakerState() throws Exception {
        try (ModelServer server =
                        ModelServer.builder().port(0).embeddings(false).start();
                BackendPool pool =
                        BackendPool.create(PoolConfig.builder("gpu-pool", List.of(server.target(), "127.0.0.1:1"))
                                .models(List.of("echo"))
                                .build())) {
            PoolGauges gauges = new PoolGauges(registry, pool);
            Scrape s = await().atMost(Duration.ofSeconds(15))
                    .until(
                            () -> {
                                gauges.refresh();
                                return Scrape.parse(registry.scrape());
                            },
                            x -> x.sum("gateway_backend_replica_ready", Map.of("pool", "gpu-pool")) == 1);
            assertThat(s.find("gateway_backend_replica_ready", Map.of("pool", "gpu-pool")))
                    .hasSize(2);
            assertThat(s.sum("gateway_backend_replica_ready", Map.of("replica", "127.0.0.1:1")))
                    .isZero();
            assertThat(s.find("gateway_backend_breaker_state", Map.of("pool", "gpu-pool")))
                    .hasSize(6);
            assertThat(s.sum("gateway_backend_breaker_state", Map.of("pool", "gpu-pool", "state", "closed")))
                    .isEqualTo(2);
            assertThat(s.sum("gateway_backend_breaker_state", Map.of("state", "open")))
                    .isZero();
            assertThat(s.find("gateway_backend_replica_outstanding", Map.of("pool", "gpu-pool")))
                    .hasSize(2);
        }
    }

    @Test
    void redisProbeMeasuresAPingAndReportsAnOutageAsDegraded() throws Exception {
        int port = freePort();
        Process redis = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        RedisProbe probe = new RedisProbe(tenancy("redis://127.0.0.1:" + port), registry);
        RedisHealthIndicator health = new RedisHealthIndicator(probe);
        try {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> probe.ping().block().up());
            assertThat(health.health().block().getStatus()).isEqualTo(Status.UP);
            assertThat(registry.get(MetricNames.REDIS_UP).gauge().value()).isEqualTo(1);
            assertThat(registry.get(MetricNames.REDIS_LATENCY)
                            .tag("result", "ok")
                            .timer()
                            .count())
                    .isPositive();

            redis.destroy();
            assertThat(redis.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            RedisProbe.Result down = probe.ping().block();
            assertThat(down.up()).isFalse();
            Health h = health.health().block();
            assertThat(h.getStatus()).isEqualTo(BackendsHealthIndicator.DEGRADED);
            assertThat(h.getDetails()).containsKey("error");
            assertThat(registry.get(MetricNames.REDIS_UP).gauge().value()).isZero();
            assertThat(registry.get(MetricNames.REDIS_LATENCY)
                            .tag("result", "error")
                            .timer()
                            .count())
                    .isPositive();
        } finally {
            redis.destroy();
            probe.destroy();
        }
    }

    @Test
    void withoutRedisThereIsNoProbeAndTheComponentSaysSo() {
        MeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RedisProbe probe = new RedisProbe(tenancy(""), r);
        assertThat(probe.ping().block()).isNull();
        assertThat(r.find(MetricNames.REDIS_UP).gauge()).isNull();
        Health h = new RedisHealthIndicator(probe).health().block();
        assertThat(h.getStatus()).isEqualTo(Status.UP);
        assertThat(h.getDetails()).containsEntry("configured", false);
    }

    private static TenancyProperties tenancy(String redisUrl) {
        return new TenancyProperties(redisUrl, "ch", Duration.ofSeconds(30), Duration.ofSeconds(5), "demo");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
