package io.modelgateway.gateway.deployment.internal;

import io.modelgateway.gateway.config.BackendsProperties.BackendProperties;
import io.modelgateway.gateway.config.LayoutSpelling;
import io.modelgateway.inference.Layout;
import io.modelgateway.inference.PoolConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Triton pool to build: its settings and every model the deployments on it serve, with their layouts.
 * Two deployments that serve one model of one pool with different layouts are a configuration error.
 */
final class PoolPlan {

    private final String name;
    private final List<String> endpoints;
    private final BackendProperties settings;
    private final List<String> models = new ArrayList<>();
    private final Map<String, Layout> layouts = new LinkedHashMap<>();
    private final Map<String, String> layoutSetBy = new LinkedHashMap<>();

    PoolPlan(String name, List<String> endpoints, BackendProperties settings) {
        this.name = name;
        this.endpoints = List.copyOf(endpoints);
        this.settings = settings;
    }

    /** Why {@code deployment} cannot serve {@code model} with {@code layout} here, or empty. */
    Optional<String> conflict(String deployment, String model, Layout layout) {
        Layout before = layouts.get(model);
        if (before != null && before != layout) {
            return Optional.of("deployment '" + deployment + "' sets layout " + LayoutSpelling.of(layout)
                    + " for model '" + model + "' of backend '" + name + "', which deployment '"
                    + layoutSetBy.get(model) + "' sets to " + LayoutSpelling.of(before));
        }
        return Optional.empty();
    }

    void serve(String deployment, String model, Layout layout) {
        conflict(deployment, model, layout).ifPresent(problem -> {
            throw new IllegalStateException(problem);
        });
        if (layouts.putIfAbsent(model, layout) == null) {
            layoutSetBy.put(model, deployment);
        }
        if (!models.contains(model)) {
            models.add(model);
        }
    }

    PoolConfig config() {
        BackendProperties s = settings;
        var b = s.breaker();
        return PoolConfig.builder(name, endpoints)
                .models(models)
                .layouts(layouts)
                .health(new PoolConfig.Health(s.pollInterval(), s.pollTimeout(), s.dnsRefresh()))
                .breaker(new PoolConfig.Breaker(
                        b.windowSize(), b.failureRatePercent(), b.minimumCalls(), b.openDuration(), b.halfOpenCalls()))
                .timeouts(new PoolConfig.Timeouts(s.firstTokenTimeout(), s.betweenTokensTimeout()))
                .maxConcurrentPerReplica(s.maxConcurrentPerReplica())
                .maxAttempts(s.maxAttempts())
                .build();
    }
}
