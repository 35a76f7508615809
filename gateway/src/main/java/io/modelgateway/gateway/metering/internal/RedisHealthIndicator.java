package io.modelgateway.gateway.metering.internal;

import io.modelgateway.gateway.deployment.BackendsHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * {@code /actuator/health} component {@code redis}: UP with the ping's latency, or DEGRADED (HTTP 200) when
 * Redis does not answer. It is reported but kept out of the readiness group: without Redis each replica
 * keeps serving (quotas on local shares, cache invalidation by periodic reload).
 */
@Component("redis")
public class RedisHealthIndicator implements ReactiveHealthIndicator {

    private final RedisProbe probe;

    public RedisHealthIndicator(RedisProbe probe) {
        this.probe = probe;
    }

    @Override
    public Mono<Health> health() {
        if (!probe.configured()) {
            return Mono.just(Health.up().withDetail("configured", false).build());
        }
        return probe.ping()
                .map(r -> r.up()
                        ? Health.up()
                                .withDetail("latencyMs", r.latency().toNanos() / 1e6)
                                .build()
                        : Health.status(BackendsHealthIndicator.DEGRADED)
                                .withDetail("error", r.error())
                                .build());
    }
}
