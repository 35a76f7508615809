package io.modelgateway.gateway.deployment.internal;

import io.modelgateway.gateway.config.BackendsProperties.BackendKind;
import io.modelgateway.gateway.config.BackendsProperties.BackendProperties;
import io.modelgateway.gateway.config.GatewayProperties.DeploymentProperties;
import io.modelgateway.gateway.config.GatewayProperties.Kind;
import io.modelgateway.gateway.deployment.HttpUpstream;
import io.modelgateway.inference.BackendPool;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns the configured backends into the pools and upstreams deployments use: one {@link BackendPool} per
 * named Triton backend, per distinct endpoint list given directly in a deployment, and one for the embedded
 * model server; one {@link HttpUpstream} per {@code openai-http} backend. Plan all deployments first
 * ({@link #plan}), then {@link #build()} the pools.
 */
public final class BackendsFactory {

    public static final String EMBEDDED = "embedded";

    private final Map<String, BackendProperties> named;
    private final Supplier<String> embeddedTarget;
    private final Map<String, PoolPlan> plans = new LinkedHashMap<>();
    private Map<String, BackendPool> pools;

    public BackendsFactory(Map<String, BackendProperties> named, Supplier<String> embeddedTarget) {
        this.named = named;
        this.embeddedTarget = embeddedTarget;
    }

    /** Records that deployment {@code name} uses its backend; returns the pool's name, or null for an upstream. */
    public String plan(String name, DeploymentProperties p) {
        BackendProperties settings = named.get(p.backend());
        if (settings != null && settings.kind() == BackendKind.OPENAI_HTTP) {
            if (p.kind() != Kind.CHAT) {
                throw new IllegalStateException("deployment '" + name + "': openai-http backends serve chat "
                        + "deployments only");
            }
            return null;
        }
        String pool = p.backend();
        List<String> endpoints = settings != null ? settings.endpoints() : Arrays.asList(p.backend().split(","));
        if (endpoints.isEmpty()) {
            throw new IllegalStateException("backend '" + pool + "' of deployment '" + name + "' has no endpoints");
        }
        PoolPlan plan = plans.computeIfAbsent(pool, k -> new PoolPlan(k, resolveEmbedded(endpoints),
                settings != null ? settings : BackendProperties.ofEndpoints(endpoints)));
        plan.serve(name, p.model(), p.layout());
        return pool;
    }

    /** The upstream of a deployment on an {@code openai-http} backend. */
    public HttpUpstream upstream(DeploymentProperties p) {
        BackendProperties s = named.get(p.backend());
        return new HttpUpstream(p.backend(), s.baseUrl(), s.apiKey(), s.firstTokenTimeout(), s.betweenTokensTimeout());
    }

    /** Builds every planned pool (resolving endpoints and starting readiness polls). */
    public Map<String, BackendPool> build() {
        Map<String, BackendPool> built = new LinkedHashMap<>();
        try {
            plans.forEach((name, plan) -> built.put(name, BackendPool.create(plan.config())));
        } catch (RuntimeException e) {
            built.values().forEach(BackendPool::close);
            throw e;
        }
        pools = built;
        return built;
    }

    public BackendPool pool(String name) {
        return pools.get(name);
    }

    private List<String> resolveEmbedded(List<String> endpoints) {
        return endpoints.stream().map(String::trim).map(e -> EMBEDDED.equals(e) ? embeddedTarget.get() : e).toList();
    }
}
