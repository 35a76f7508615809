package io.modelgateway.inference;

import io.modelgateway.inference.internal.HealthPoller;
import io.modelgateway.inference.internal.LayoutCache;
import io.modelgateway.inference.internal.PoolRuntime;
import io.modelgateway.inference.internal.PoolThreads;
import io.modelgateway.inference.internal.PooledEmbedding;
import io.modelgateway.inference.internal.PooledGeneration;
import io.modelgateway.inference.internal.Replica;
import io.modelgateway.inference.internal.ReplicaFactory;
import io.modelgateway.inference.internal.ReplicaSet;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * A fleet of Triton replicas serving the same models, used like one {@link TritonClient}. Each call goes to
 * the ready replica with the fewest calls in flight; each replica has a circuit breaker and a bulkhead;
 * streams are cut when the first token or the next one takes too long; a call that failed before anything
 * was delivered is tried on another replica. Readiness is polled (ServerReady, ModelReady) and learnt from
 * failed calls. Thread-safe; create one per pool and {@link #close()} it at shutdown.
 */
public final class BackendPool implements AutoCloseable {

    /** Resolves a host name to its addresses; {@code InetAddress::getAllByName} by default. */
    @FunctionalInterface
    public interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final PoolRuntime runtime;
    private final ReplicaSet replicas;
    private final LayoutCache layouts;
    private final HealthPoller health;
    private final PoolThreads threads;

    private BackendPool(Builder b) {
        this.threads = new PoolThreads(b.config, b.scheduler);
        this.replicas = new ReplicaSet(b.config, b.resolver, new ReplicaFactory(b.config, b.eventLoops));
        this.runtime = new PoolRuntime(b.config, replicas, threads.scheduler(), b.nanoTime);
        this.layouts = new LayoutCache(runtime);
        this.health = new HealthPoller(runtime);
    }

    /** A pool with its own timer thread and the system's DNS. Resolves the endpoints now. */
    public static BackendPool create(PoolConfig config) {
        return builder(config).build();
    }

    public static Builder builder(PoolConfig config) {
        return new Builder(config);
    }

    private BackendPool start() {
        replicas.refresh();
        health.trackConfiguredModels();
        threads.every(runtime.config().health().pollInterval(), health::pollAll);
        threads.dnsEvery(
                runtime.config().health().dnsRefresh(), () -> replicas.refresh().forEach(health::poll));
        return this;
    }

    public String name() {
        return runtime.config().name();
    }

    /**
     * Starts a generation on a replica; same contract as {@link TritonClient#generate}: exactly one of
     * onComplete/onError after any deltas (none after the caller's cancel), callbacks on the transport's event
     * loop (the calling thread's own when it is one of the pool's {@link Builder#eventLoops}) or, for timeouts, the
     * pool's timer, never throws for backend failures. Fails with OVERLOADED when every ready replica is full, UNAVAILABLE
     * when none is ready, TIMEOUT when a token is late, INVALID_REQUEST naming a sampling parameter the
     * model's layout cannot send.
     */
    public GenerationCall generate(GenerationRequest request, TokenCounter tokens, GenerationListener listener) {
        Objects.requireNonNull(listener, "listener");
        CompletableFuture<Void> polled = runtime.track(request.model());
        CompletableFuture<TensorLayout> layout = layouts.get(request.model());
        return new PooledGeneration(runtime, request, tokens, listener)
                .start(polled.isDone() ? layout : polled.thenCompose(v -> layout));
    }

    /** Embeds a batch on a replica, with the same replica choice, limits and retries as generations. */
    public CompletableFuture<EmbeddingResult> embed(EmbeddingRequest request, TokenCounter tokens) {
        CompletableFuture<Void> polled = runtime.track(request.model());
        if (polled.isDone()) {
            return new PooledEmbedding(runtime, request, tokens).start();
        }
        return polled.thenCompose(v -> new PooledEmbedding(runtime, request, tokens).start());
    }

    /** Whether any replica is ready for {@code model}: from the last polls, or polled now for a new model. */
    public CompletableFuture<Boolean> modelReady(String model) {
        return runtime.track(model).thenApply(v -> runtime.replicas().stream().anyMatch(r -> r.routable(model)));
    }

    /** The tensor layout of {@code model}: configured, or detected once from a replica. */
    public CompletableFuture<TensorLayout> layout(String model) {
        return layouts.get(model);
    }

    /**
     * Reads an AUTO model's layout again from a ready replica, e.g. after the model came back from being
     * unready (it may have been redeployed with other tensors); until then the known layout stays in use.
     */
    public CompletableFuture<TensorLayout> redetectLayout(String model) {
        return layouts.refresh(model);
    }

    /**
     * Loads {@code model} on every replica (RepositoryModelLoad, in parallel), then reads each replica's
     * RepositoryIndex, which must say READY, and polls readiness at once, so calls are routed to it without
     * waiting for the next poll. Completes with each replica's entry by target; fails with the first
     * replica's error (e.g. INTERNAL "load failed ..." with Triton's reason).
     */
    public CompletableFuture<Map<String, ModelStatus>> loadModel(String model, Duration timeout) {
        Map<String, CompletableFuture<ModelStatus>> byTarget = new LinkedHashMap<>();
        for (Replica r : runtime.replicas()) {
            byTarget.put(
                    r.target(),
                    r.client()
                            .loadModel(model, timeout)
                            .thenCompose(v -> r.client().repositoryIndex())
                            .thenApply(index -> index.stream()
                                    .filter(m -> m.name().equals(model) && m.ready())
                                    .findFirst()
                                    .orElseThrow(() -> InferenceException.of(
                                            InferenceException.Kind.BACKEND_ERROR,
                                            "",
                                            "replica " + r.target() + " loaded '" + model
                                                    + "' but does not list it READY"))));
        }
        return CompletableFuture.allOf(byTarget.values().toArray(CompletableFuture[]::new))
                .thenCompose(v -> runtime.track(model).thenCompose(t -> repoll(model)))
                .thenApply(v -> {
                    Map<String, ModelStatus> out = new LinkedHashMap<>();
                    byTarget.forEach((target, f) -> out.put(target, f.join()));
                    return out;
                });
    }

    /** Unloads {@code model} on every replica (RepositoryModelUnload), then polls readiness at once. */
    public CompletableFuture<Void> unloadModel(String model, Duration timeout) {
        List<CompletableFuture<Void>> all = runtime.replicas().stream()
                .map(r -> r.client().unloadModel(model, timeout))
                .toList();
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenCompose(v -> repoll(model));
    }

    /** Polls every replica's ServerReady, then its ModelReady for {@code model}, now. */
    private CompletableFuture<Void> repoll(String model) {
        Duration timeout = runtime.config().health().pollTimeout();
        return CompletableFuture.allOf(runtime.replicas().stream()
                .map(r -> r.pollServer(timeout).thenCompose(ready -> r.pollModel(model, timeout)))
                .toArray(CompletableFuture[]::new));
    }

    /**
     * {@code model}'s configuration (Triton's ModelConfig) as a replica that has it ready reports it (any
     * replica when none is known ready); fails when the pool has no replica or the call fails.
     */
    public CompletableFuture<inference.ModelConfig> modelConfig(String model) {
        List<Replica> all = runtime.replicas();
        if (all.isEmpty()) {
            return CompletableFuture.failedFuture(InferenceException.of(
                    InferenceException.Kind.UNAVAILABLE, "", "pool '" + name() + "' has no replica"));
        }
        Replica r = all.stream().filter(x -> x.routable(model)).findFirst().orElse(all.get(0));
        return r.client().modelConfig(model);
    }

    /** Every replica with its readiness, load and breaker state. */
    public List<ReplicaStatus> replicas() {
        return runtime.replicas().stream().map(Replica::status).toList();
    }

    /** Stops polling and closes every replica's channel; calls in flight are cut after a short grace. */
    @Override
    public void close() {
        threads.close();
        List<Replica> all = runtime.replicas();
        replicas.close();
        threads.awaitChannels(all, runtime.clock());
    }

    /** Options beyond the config, mostly for tests. */
    public static final class Builder {

        private final PoolConfig config;
        private ScheduledExecutorService scheduler;
        private HostResolver resolver = InetAddress::getAllByName;
        private LongSupplier nanoTime = System::nanoTime;
        private EventLoops eventLoops;

        private Builder(PoolConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** A timer to share (not shut down by the pool); by default the pool owns one daemon thread. */
        public Builder scheduler(ScheduledExecutorService value) {
            this.scheduler = Objects.requireNonNull(value, "scheduler");
            return this;
        }

        public Builder resolver(HostResolver value) {
            this.resolver = Objects.requireNonNull(value, "resolver");
            return this;
        }

        /**
         * The event loops to run the replicas' channels on: one channel per loop to each replica, and a call started
         * on one of these loops is sent, read and answered on it (see {@link EventLoops}). Without them, one
         * channel per replica on gRPC's own event loops. The pool does not shut the loops down: close it first.
         */
        public Builder eventLoops(EventLoops value) {
            this.eventLoops = Objects.requireNonNull(value, "eventLoops");
            return this;
        }

        /** The monotonic clock timeouts are measured with. */
        public Builder nanoTime(LongSupplier value) {
            this.nanoTime = Objects.requireNonNull(value, "nanoTime");
            return this;
        }

        /** Builds the pool, resolves its endpoints and starts polling. */
        public BackendPool build() {
            return new BackendPool(this).start();
        }
    }
}
