package io.modelgateway.gateway.catalog.internal;

import io.modelgateway.gateway.catalog.internal.ModelGateRepository.Gate;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.runtime.LifecyclePhases;
import io.modelgateway.gateway.runtime.Reloader;
import io.modelgateway.gateway.runtime.Reloads;
import io.modelgateway.gateway.tenancy.ReplicaSignals;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Which deployments are not live because the admin API is loading their model on their pool, draining them to
 * unload it, or unloaded it; and each deployment's calls in flight on this replica (counted by the
 * {@link LifecycleStage}), which an unload waits for. The replica that took the admin call holds the gate at
 * once; it is stored ({@code model_gate}) and announced ({@link ReplicaSignals}), so every other replica holds
 * it too within the signal's delivery (and within {@link #RELOAD} when a signal is lost). A loading or draining
 * gate whose replica died expires after the longest a load may take.
 */
@Component
public class ModelLoads implements SmartLifecycle, AutoCloseable {

    static final String TOPIC = "model-gates";
    /** How often every replica reads the stored gates, whatever the signals say. */
    static final Duration RELOAD = Duration.ofSeconds(5);
    /** A loading or draining gate outlives its replica by at most this. */
    static final Duration EXPIRY = ModelLifecycleAdmin.LOAD_TIMEOUT.plusMinutes(1);

    /** Why a deployment is not live. */
    public enum State {
        LOADING("model_loading", "is being loaded on its backend; retry shortly"),
        UNLOADING("model_unloading", "is being unloaded from its backend"),
        UNLOADED("model_not_loaded", "is not loaded on its backend");

        private final String code;
        private final String why;

        State(String code, String why) {
            this.code = code;
            this.why = why;
        }

        public String value() {
            return name().toLowerCase();
        }
    }

    private final Map<String, State> offline = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final ModelGateRepository repository;
    private final ReplicaSignals signals;
    private final Clock clock;
    private final Scheduler jdbc;
    private final Reloader reloader;
    /** The gates other replicas hold (this replica's own are in {@link #offline}). */
    private volatile Map<String, Gate> shared = Map.of();

    private volatile boolean running;

    public ModelLoads(DataSource dataSource, ReplicaSignals signals, Clock clock, Scheduler jdbc, Reloads reloads) {
        this.jdbc = jdbc;
        this.reloader = reloads.reloader("stored model gates", this::reloadGates, RELOAD);
        this.repository = new ModelGateRepository(dataSource);
        this.signals = signals;
        this.clock = clock;
    }

    /** Marks {@code deployment} not live; false when a load or unload of it is already under way on any replica. */
    public boolean begin(String deployment, State state) {
        Optional<State> elsewhere = sharedState(deployment);
        if (elsewhere.isPresent() && elsewhere.get() != State.UNLOADED && !offline.containsKey(deployment)) {
            return false;
        }
        State before = offline.get(deployment);
        if (before == State.LOADING || before == State.UNLOADING) {
            return false;
        }
        return before == null
                ? offline.putIfAbsent(deployment, state) == null
                : offline.replace(deployment, before, state);
    }

    public void set(String deployment, State state) {
        offline.put(deployment, state);
    }

    /** Puts {@code deployment} live. */
    public void live(String deployment) {
        offline.remove(deployment);
        Map<String, Gate> now = new java.util.HashMap<>(shared);
        if (now.remove(deployment) != null) {
            shared = Map.copyOf(now);
        }
    }

    /**
     * Stores this replica's gate of {@code deployment} as it is now (none: live) and tells the other replicas;
     * completes once stored. A store that cannot be reached fails it (the gate still holds here).
     */
    public Mono<Void> share(String deployment) {
        State state = offline.get(deployment);
        Instant now = clock.instant();
        Gate gate = state == null ? null : new Gate(state, state == State.UNLOADED ? null : now.plus(EXPIRY));
        return Mono.fromRunnable(() -> {
                    repository.put(deployment, gate, now);
                    reloader.reloadQuietly(); // this replica hears no signal of its own
                })
                .subscribeOn(jdbc)
                .then(Mono.fromRunnable(() -> signals.publish(TOPIC)));
    }

    public Optional<State> state(String deployment) {
        State own = offline.get(deployment);
        return own != null ? Optional.of(own) : sharedState(deployment);
    }

    private Optional<State> sharedState(String deployment) {
        Gate g = shared.get(deployment);
        return g != null && g.in(clock.instant()) ? Optional.of(g.state()) : Optional.empty();
    }

    public int inFlight(String deployment) {
        AtomicInteger n = inFlight.get(deployment);
        return n == null ? 0 : n.get();
    }

    /** The 503 a call to a deployment that is not live gets, or empty when it is live. */
    Optional<ApiException> refusal(String deployment) {
        return state(deployment)
                .map(s -> ApiException.of(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "server_error",
                        "model",
                        s.code,
                        "The model `" + deployment + "` " + s.why + "."));
    }

    void started(String deployment) {
        inFlight.computeIfAbsent(deployment, d -> new AtomicInteger()).incrementAndGet();
    }

    void ended(String deployment) {
        AtomicInteger n = inFlight.get(deployment);
        if (n != null) {
            n.decrementAndGet();
        }
    }

    /** Reads the stored gates (after the schema is migrated: this phase follows tenancy's, which waits for it). */
    @Override
    public void start() {
        reloader.reloadQuietly();
        signals.subscribe(TOPIC, reloader::reloadSoon);
        reloader.start();
        running = true;
    }

    @Override
    public void stop() {
        reloader.close();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return LifecyclePhases.MODEL_GATE;
    }

    private void reloadGates() {
        shared = Map.copyOf(repository.all());
        // An unloaded model stays so only as long as the store says: another replica may have loaded it since.
        offline.values().removeIf(s -> s == State.UNLOADED);
    }

    @Override
    public void close() {
        stop();
    }
}
