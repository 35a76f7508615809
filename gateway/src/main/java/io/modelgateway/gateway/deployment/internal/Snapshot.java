package io.modelgateway.gateway.deployment.internal;

import io.modelgateway.gateway.config.GatewayProperties.DeploymentProperties;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.deployment.DeploymentDefinition;
import io.modelgateway.gateway.deployment.HttpUpstream;
import io.modelgateway.gateway.deployment.internal.BackendsFactory.Pooled;
import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.ChatTemplate;
import io.modelgateway.inference.TokenCounter;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Every deployment served, resolved (pool, template, token counter), and the pools they use: immutable, swapped
 * whole when a deployment is defined, replaced or removed, so the request path reads one map.
 */
public record Snapshot(Map<String, Entry> byName, Map<String, Pooled> pools) {

    /** A deployment ready to serve and the definition it was resolved from. */
    public record Entry(Deployment deployment, DeploymentDefinition definition) {}

    public static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of());

    /**
     * Resolves {@code configured} (a problem is an IllegalStateException: startup fails) and {@code stored}
     * (one a configured name shadows, or with a problem, is left out and reported to {@code skipped}), keeping
     * the pools and resolved deployments of {@code previous} that did not change.
     */
    public static Snapshot build(
            BackendsFactory factory,
            Collection<DeploymentDefinition> configured,
            Collection<DeploymentDefinition> stored,
            Snapshot previous,
            BiConsumer<String, String> skipped) {
        BackendsFactory.Plan plan = factory.newPlan();
        Map<String, DeploymentDefinition> served = new LinkedHashMap<>();
        Map<String, String> poolOf = new LinkedHashMap<>();
        for (DeploymentDefinition d : configured) {
            DefinitionCheck.problem(factory, d.settings()).ifPresent(p -> {
                throw new IllegalStateException("deployment '" + d.name() + "': " + p.property() + ": " + p.message());
            });
            poolOf.put(d.name(), plan.add(d.name(), d.settings()));
            served.put(d.name(), d);
        }
        for (DeploymentDefinition d : stored) {
            String problem = served.containsKey(d.name())
                    ? "a configured deployment has this name"
                    : DefinitionCheck.problem(factory, d.settings())
                            .map(p -> p.field() + ": " + p.message())
                            .or(() -> plan.conflict(d.name(), d.settings()))
                            .orElse(null);
            if (problem != null) {
                skipped.accept(d.name(), problem);
                continue;
            }
            poolOf.put(d.name(), plan.add(d.name(), d.settings()));
            served.put(d.name(), d);
        }
        Map<String, Pooled> pools = plan.build(previous.pools());
        Map<String, Entry> byName = new LinkedHashMap<>();
        served.forEach((name, d) -> {
            String pool = poolOf.get(name);
            BackendPool backend = pool == null ? null : pools.get(pool).pool();
            byName.put(
                    name,
                    new Entry(resolved(factory, d, backend, previous.byName().get(name)), d));
        });
        return new Snapshot(Collections.unmodifiableMap(byName), Collections.unmodifiableMap(pools));
    }

    /** The deployment resolved before when neither its settings nor its pool changed, else a new one. */
    private static Deployment resolved(
            BackendsFactory factory, DeploymentDefinition d, BackendPool pool, Entry before) {
        if (before != null
                && before.definition().settings().equals(d.settings())
                && before.deployment().backend() == pool) {
            return before.deployment();
        }
        DeploymentProperties p = d.settings();
        HttpUpstream upstream = pool == null ? factory.upstream(p) : null;
        return new Deployment(
                d.name(),
                p.kind(),
                p.model(),
                pool,
                ChatTemplate.named(p.chatTemplate()),
                TokenCounter.of(p.tokenEncoding()),
                p.defaultMaxTokens(),
                p.maxTokensLimit(),
                p.firstTokenTimeout(),
                p.idleTimeout(),
                p.requestTimeout(),
                upstream,
                p.region());
    }
}
