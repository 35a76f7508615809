package io.modelgateway.gateway.deployment;

import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.config.BackendsProperties;
import io.modelgateway.gateway.config.GatewayProperties;
import io.modelgateway.gateway.deployment.internal.BackendsFactory;
import io.modelgateway.gateway.deployment.internal.BackendsFactory.Pooled;
import io.modelgateway.gateway.deployment.internal.DefinitionCheck;
import io.modelgateway.gateway.deployment.internal.PoolRetirement;
import io.modelgateway.gateway.deployment.internal.ServerLoops;
import io.modelgateway.gateway.deployment.internal.Snapshot;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.embedded.EmbeddedModelServer;
import io.modelgateway.inference.BackendPool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.stereotype.Component;

/**
 * The deployments this gateway serves, by public name: the configured ones ({@code gateway.deployments}) and
 * the ones defined through the admin API ({@link DeploymentCatalog}), each bound to its backend: a pool of
 * Triton replicas (shared by the deployments on the same backend) or an OpenAI-compatible HTTP upstream.
 * Reads see an immutable snapshot (one map read per request); a change builds the next snapshot, keeping the
 * pools and resolved deployments that did not change, and retires the pools no deployment uses any more
 * (closed once their calls finished). Every pool is closed last at shutdown, after the web server's drain and
 * before the event loops are disposed: the pools' gRPC channels run on the HTTP server's loops
 * ({@link ServerLoops}), so a request's backend call is answered on the loop that writes its response.
 */
@Component
public class Deployments implements SmartLifecycle, DisposableBean {

    /**
     * Stops after the web server's drain (Spring Boot's graceful shutdown and web server phases are far higher)
     * and before the {@link ReactorResourceFactory} (phase 0) disposes the event loops the channels run on.
     */
    static final int PHASE = 1;

    private static final Logger log = LoggerFactory.getLogger(Deployments.class);

    private final BackendsFactory factory;
    private final List<DeploymentDefinition> configured;
    private final PoolRetirement retirement;
    private volatile Snapshot current;
    private volatile boolean running;
    private boolean closed; // guarded by this

    public Deployments(
            GatewayProperties properties,
            BackendsProperties backends,
            EmbeddedModelServer embedded,
            DeploymentCatalogProperties catalog,
            Clock clock,
            ObjectProvider<ReactorResourceFactory> reactor) {
        this.factory =
                new BackendsFactory(backends.backends(), embedded::target, ServerLoops.of(reactor.getIfAvailable()));
        List<DeploymentDefinition> defs = new ArrayList<>();
        properties.deployments().forEach((name, p) -> defs.add(DeploymentDefinition.configured(name, p)));
        this.configured = List.copyOf(defs);
        this.retirement = new PoolRetirement(clock, catalog.poolCloseGrace());
        this.current = Snapshot.build(factory, configured, List.of(), Snapshot.EMPTY, (n, p) -> {});
    }

    /** The deployment named {@code name}, or a 404 in OpenAI's shape. */
    public Deployment require(String name) {
        Snapshot.Entry e = current.byName().get(name);
        if (e == null) {
            throw ApiException.modelNotFound(name);
        }
        return e.deployment();
    }

    /**
     * The deployment named {@code name} if the caller's tenant may use it. A deployment the tenant may not
     * use gets the same 404 as one that does not exist, so its existence is not revealed.
     */
    public Deployment require(String name, @Nullable Caller caller) {
        if (caller == null || !caller.mayUse(name)) {
            throw ApiException.modelNotFound(name);
        }
        return require(name);
    }

    public Collection<Deployment> all() {
        return current.byName().values().stream()
                .map(Snapshot.Entry::deployment)
                .toList();
    }

    /** The definitions served now, configured ones first. */
    public List<DeploymentDefinition> definitions() {
        return current.byName().values().stream()
                .map(Snapshot.Entry::definition)
                .toList();
    }

    public Optional<DeploymentDefinition> definition(String name) {
        return Optional.ofNullable(current.byName().get(name)).map(Snapshot.Entry::definition);
    }

    public boolean configured(String name) {
        return configured.stream().anyMatch(d -> d.name().equals(name));
    }

    /** The Triton pools by name ({@code gateway.backends} name, endpoint list, or {@code embedded}). */
    public Map<String, BackendPool> pools() {
        Map<String, BackendPool> out = new LinkedHashMap<>();
        current.pools().forEach((name, p) -> out.put(name, p.pool()));
        return out;
    }

    /**
     * What keeps {@code candidate} from being served beside the deployments served now (other than one by its
     * own name, which it would replace): the checks configured deployments pass, and a layout conflict with
     * another deployment of the same model on the same pool.
     */
    public Optional<DefinitionProblem> check(DeploymentDefinition candidate) {
        Optional<DefinitionProblem> own = DefinitionCheck.problem(factory, candidate.settings());
        if (own.isPresent()) {
            return own;
        }
        BackendsFactory.Plan plan = factory.newPlan();
        definitions().stream()
                .filter(d -> !d.name().equals(candidate.name()))
                .forEach(d -> plan.add(d.name(), d.settings()));
        return plan.conflict(candidate.name(), candidate.settings()).map(m -> new DefinitionProblem("layout", m));
    }

    /**
     * Serves {@code stored} (all admin-defined deployments) beside the configured ones from now on; returns the
     * names left out, with why (a configured name, a backend no longer configured, a conflict). Throws, and
     * changes nothing, when a new pool cannot be created.
     */
    public synchronized Map<String, String> replaceStored(Collection<DeploymentDefinition> stored) {
        Map<String, String> skipped = new LinkedHashMap<>();
        if (closed) {
            return skipped; // shutting down: no new pool on loops about to be disposed
        }
        Snapshot before = current;
        Snapshot next = Snapshot.build(factory, configured, stored, before, skipped::put);
        current = next;
        Set<BackendPool> kept = next.pools().values().stream().map(Pooled::pool).collect(Collectors.toSet());
        before.pools().forEach((name, p) -> {
            if (!kept.contains(p.pool())) {
                log.info("pool '{}' is no longer used; closing it once its calls finished", name);
                retirement.retire(p.pool());
            }
        });
        skipped.forEach((name, why) -> log.warn("stored deployment '{}' is not served: {}", name, why));
        return skipped;
    }

    @Override
    public void start() {
        running = true;
    }

    /** Closes every pool (calls still in flight are cut after a short grace). */
    @Override
    public void stop() {
        running = false;
        closePools();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Not stopped when the context is only paused (a stop followed by a restart, as the test framework does with
     * inactive contexts): the pools stay open on the loops, which stay too ({@code runtime.NettyResources}); they
     * are closed only when the context closes.
     */
    @Override
    public boolean isPauseable() {
        return false;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public void destroy() {
        closePools();
    }

    private synchronized void closePools() {
        if (closed) {
            return;
        }
        closed = true;
        retirement.close();
        current.pools().values().forEach(p -> p.pool().close());
    }
}
