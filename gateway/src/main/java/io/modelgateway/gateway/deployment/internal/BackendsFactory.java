package io.modelgateway.gateway.deployment.internal;

import io.modelgateway.gateway.config.BackendsProperties.BackendKind;
import io.modelgateway.gateway.config.BackendsProperties.BackendProperties;
import io.modelgateway.gateway.config.GatewayProperties.DeploymentProperties;
import io.modelgateway.gateway.config.GatewayProperties.Kind;
import io.modelgateway.gateway.deployment.HttpUpstream;
import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.EventLoops;
import io.modelgateway.inference.PoolConfig;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns backends into the pools and upstreams deployments use: one {@link BackendPool} per named Triton
 * backend, per distinct endpoint list given directly in a deployment, and one for the embedded model server;
 * one {@link HttpUpstream} per {@code openai-http} backend. Plan a set of deployments ({@link #newPlan()}),
 * then {@link #build} its pools, keeping the existing pools that still serve their plan.
 */
public final class BackendsFactory {

    public static final String EMBEDDED = "embedded";

    private final Map<String, BackendProperties> named;
    private final Supplier<String> embeddedTarget;
    private final EventLoops loops;

    /** @param loops the event loops the pools' channels run on (the HTTP server's), or null for gRPC's own */
    public BackendsFactory(Map<String, BackendProperties> named, Supplier<String> embeddedTarget, EventLoops loops) {
        this.named = named;
        this.embeddedTarget = embeddedTarget;
        this.loops = loops;
    }

    /** A pool with the settings it was built from. */
    public record Pooled(BackendPool pool, PoolConfig config) {}

    /** What is wrong with the backend a deployment points at, or empty when it can serve it. */
    public Optional<String> problem(DeploymentProperties p) {
        BackendProperties settings = named.get(p.backend());
        if (settings != null && settings.kind() == BackendKind.OPENAI_HTTP) {
            if (p.kind() != Kind.CHAT) {
                return Optional.of("openai-http backends serve chat deployments only");
            }
            try {
                upstream(p);
                return Optional.empty();
            } catch (RuntimeException e) {
                return Optional.of(e.getMessage());
            }
        }
        List<String> endpoints = settings != null
                ? settings.endpoints()
                : Arrays.asList(p.backend().split(","));
        if (endpoints.isEmpty()) {
            return Optional.of("backend '" + p.backend() + "' has no endpoints");
        }
        List<String> resolved;
        try {
            resolved = resolveEmbedded(endpoints);
        } catch (IllegalStateException e) {
            return Optional.of(e.getMessage());
        }
        try {
            PoolConfig.builder(p.backend(), resolved).build();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(
                    settings != null
                            ? e.getMessage()
                            : "'" + p.backend() + "' is neither a backend of "
                                    + "gateway.backends nor Triton endpoints host:port[,host:port] (" + e.getMessage()
                                    + ")");
        }
    }

    /** The upstream of a deployment on an {@code openai-http} backend. */
    public HttpUpstream upstream(DeploymentProperties p) {
        BackendProperties s = named.get(p.backend());
        return new HttpUpstream(p.backend(), s.baseUrl(), s.apiKey(), s.firstTokenTimeout(), s.betweenTokensTimeout());
    }

    public Plan newPlan() {
        return new Plan();
    }

    /** The pools of a set of deployments, by name, with every model each serves and its layout. */
    public final class Plan {

        private final Map<String, PoolPlan> pools = new LinkedHashMap<>();

        private Plan() {}

        /** Why deployment {@code name} cannot join this plan (a layout conflict), or empty. */
        public Optional<String> conflict(String name, DeploymentProperties p) {
            PoolPlan pool = pools.get(p.backend());
            return pool == null || upstream(p.backend())
                    ? Optional.empty()
                    : pool.conflict(name, p.model(), p.layout());
        }

        /**
         * Records that deployment {@code name} (whose backend has no {@link #problem}) uses its backend; returns
         * the pool's name, or null for an upstream. Throws IllegalStateException on a layout conflict.
         */
        public String add(String name, DeploymentProperties p) {
            BackendProperties settings = named.get(p.backend());
            if (upstream(p.backend())) {
                return null;
            }
            String pool = p.backend();
            List<String> endpoints = settings != null
                    ? settings.endpoints()
                    : Arrays.asList(p.backend().split(","));
            PoolPlan plan = pools.computeIfAbsent(
                    pool,
                    k -> new PoolPlan(
                            k,
                            resolveEmbedded(endpoints),
                            settings != null ? settings : BackendProperties.ofEndpoints(endpoints)));
            plan.serve(name, p.model(), p.layout());
            return pool;
        }

        /**
         * Every planned pool: the one in {@code existing} under its name while its settings are the same and it
         * knows every planned model's layout alike, else a new one (endpoints resolved, polls started).
         */
        public Map<String, Pooled> build(Map<String, Pooled> existing) {
            Map<String, Pooled> out = new LinkedHashMap<>();
            Map<String, Pooled> created = new LinkedHashMap<>();
            try {
                pools.forEach((name, plan) -> {
                    PoolConfig wanted = plan.config();
                    Pooled old = existing.get(name);
                    if (old != null && serves(old.config(), wanted)) {
                        out.put(name, old);
                    } else {
                        Pooled fresh = new Pooled(pool(wanted), wanted);
                        created.put(name, fresh);
                        out.put(name, fresh);
                    }
                });
            } catch (RuntimeException e) {
                created.values().forEach(p -> p.pool().close());
                throw e;
            }
            return out;
        }
    }

    private BackendPool pool(PoolConfig config) {
        BackendPool.Builder b = BackendPool.builder(config);
        if (loops != null) {
            b.eventLoops(loops);
        }
        return b.build();
    }

    private boolean upstream(String backend) {
        BackendProperties settings = named.get(backend);
        return settings != null && settings.kind() == BackendKind.OPENAI_HTTP;
    }

    /** Whether a pool built from {@code built} can serve {@code wanted} as it is (models are tracked on demand). */
    static boolean serves(PoolConfig built, PoolConfig wanted) {
        return built.endpoints().equals(wanted.endpoints())
                && built.health().equals(wanted.health())
                && built.breaker().equals(wanted.breaker())
                && built.timeouts().equals(wanted.timeouts())
                && built.maxConcurrentPerReplica() == wanted.maxConcurrentPerReplica()
                && built.maxAttempts() == wanted.maxAttempts()
                && wanted.models().stream().allMatch(m -> built.layoutOf(m) == wanted.layoutOf(m));
    }

    private List<String> resolveEmbedded(List<String> endpoints) {
        return endpoints.stream()
                .map(String::trim)
                .map(e -> EMBEDDED.equals(e) ? embeddedTarget.get() : e)
                .toList();
    }
}
