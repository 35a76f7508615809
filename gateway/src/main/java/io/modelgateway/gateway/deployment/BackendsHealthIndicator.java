package io.modelgateway.gateway.deployment;

import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.ReplicaStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /actuator/health} component {@code backends}: each deployment's state from its pool's polled
 * readiness ({@code READY}, {@code MODEL_NOT_READY} when replicas are up but none has the model ready,
 * {@code UNAVAILABLE} when no replica is; {@code PROXIED} for HTTP upstreams, which are not polled), and each
 * pool's replicas with their readiness, calls in flight and breaker state. A deployment that is not ready makes
 * this component {@code DEGRADED} (HTTP 200); it does not fail liveness or readiness of the gateway, which keeps
 * serving every other deployment.
 */
@Component("backends")
public class BackendsHealthIndicator implements ReactiveHealthIndicator {

    public static final Status DEGRADED = new Status("DEGRADED", "some deployments' backends are not ready");
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Deployments deployments;

    public BackendsHealthIndicator(Deployments deployments) {
        this.deployments = deployments;
    }

    @Override
    public Mono<Health> health() {
        return Flux.fromIterable(deployments.all())
                .flatMap(d -> state(d).map(s -> Map.entry(d.name(), s)))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new)
                .map(states -> {
                    boolean allReady = states.values().stream().allMatch(s -> "READY".equals(s) || "PROXIED".equals(s));
                    return Health.status(allReady ? Status.UP : DEGRADED)
                            .withDetail("deployments", states)
                            .withDetail("pools", pools())
                            .build();
                });
    }

    private static Mono<String> state(Deployment d) {
        BackendPool pool = d.backend();
        if (pool == null) { // proxied to an upstream
            return Mono.just("PROXIED");
        }
        return Mono.fromFuture(() -> pool.modelReady(d.model()))
                .timeout(TIMEOUT)
                .map(ready -> ready ? "READY" : notReady(pool))
                .onErrorResume(e -> Mono.just("UNAVAILABLE"));
    }

    private static String notReady(BackendPool pool) {
        return pool.replicas().stream().anyMatch(ReplicaStatus::ready) ? "MODEL_NOT_READY" : "UNAVAILABLE";
    }

    private Map<String, List<Map<String, Object>>> pools() {
        Map<String, List<Map<String, Object>>> out = new TreeMap<>();
        deployments
                .pools()
                .forEach((name, pool) -> out.put(
                        name,
                        pool.replicas().stream()
                                .map(r -> {
                                    Map<String, Object> m = new LinkedHashMap<>();
                                    m.put("endpoint", r.endpoint());
                                    m.put("target", r.target());
                                    m.put("ready", r.ready());
                                    m.put("outstanding", r.outstanding());
                                    m.put("breaker", r.breaker().name());
                                    m.put("models", new TreeMap<>(r.models()));
                                    return m;
                                })
                                .toList()));
        return out;
    }
}
