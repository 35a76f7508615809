package io.modelgateway.gateway.deployment;

import io.modelgateway.inference.InferenceException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /actuator/health} component {@code backends}: asks each deployment's backend whether its model
 * is ready (Triton {@code ModelReady}). A backend that is down makes this component {@code DEGRADED}
 * (HTTP 200) and names it; it does not fail liveness or readiness of the gateway, which keeps serving
 * every other deployment.
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
                .flatMap(d -> Mono.fromFuture(() -> d.backend().modelReady(d.model()))
                        .timeout(TIMEOUT)
                        .map(ready -> Map.entry(d.name(), ready ? "READY" : "NOT_READY"))
                        .onErrorResume(e -> Mono.just(Map.entry(d.name(), state(e)))))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new)
                .map(states -> {
                    boolean allReady = states.values().stream().allMatch("READY"::equals);
                    return Health.status(allReady ? Status.UP : DEGRADED).withDetails(states).build();
                });
    }

    private static String state(Throwable e) {
        if (e instanceof InferenceException ie && ie.kind() == InferenceException.Kind.MODEL_NOT_FOUND) {
            return "MODEL_NOT_FOUND";
        }
        return "UNAVAILABLE: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
}
