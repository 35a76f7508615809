package io.modelgateway.inference.internal;

import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.PoolConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** What every call of a pool shares: config, replicas, the timer, the clock and the models in use. */
public final class PoolRuntime {

    private final PoolConfig config;
    private final ReplicaSet replicas;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanoTime;
    private final Map<String, CompletableFuture<Void>> firstPolls = new ConcurrentHashMap<>();

    public PoolRuntime(
            PoolConfig config, ReplicaSet replicas, ScheduledExecutorService scheduler, LongSupplier nanoTime) {
        this.config = config;
        this.replicas = replicas;
        this.scheduler = scheduler;
        this.nanoTime = nanoTime;
    }

    public PoolConfig config() {
        return config;
    }

    public List<Replica> replicas() {
        return replicas.all();
    }

    public long nanoTime() {
        return nanoTime.getAsLong();
    }

    public LongSupplier clock() {
        return nanoTime;
    }

    /** Models whose readiness is polled. */
    public Set<String> models() {
        return firstPolls.keySet();
    }

    /**
     * Polls {@code model} on every replica from now on; the future completes when the first poll of it has
     * answered (at once for a model already polled), so its first call is routed on fresh readiness.
     */
    public CompletableFuture<Void> track(String model) {
        CompletableFuture<Void> known = firstPolls.get(model);
        if (known != null) {
            return known;
        }
        CompletableFuture<Void> created = new CompletableFuture<>();
        CompletableFuture<Void> raced = firstPolls.putIfAbsent(model, created);
        if (raced != null) {
            return raced;
        }
        pollModel(model).whenComplete((ready, error) -> created.complete(null));
        return created;
    }

    /** Polls one model on every replica; completes true when any says ready. */
    public CompletableFuture<Boolean> pollModel(String model) {
        Duration timeout = config.health().pollTimeout();
        List<CompletableFuture<Boolean>> polls =
                replicas().stream().map(r -> r.pollModel(model, timeout)).toList();
        return CompletableFuture.allOf(polls.toArray(CompletableFuture[]::new))
                .thenApply(v -> polls.stream().anyMatch(CompletableFuture::join));
    }

    /**
     * A failed call marked {@code replica} down: poll it now (ServerReady, then each model's ModelReady), so a
     * passing glitch costs milliseconds, not a poll interval.
     */
    public void recheck(Replica replica) {
        Duration timeout = config.health().pollTimeout();
        replica.pollServer(timeout);
        models().forEach(m -> replica.pollModel(m, timeout));
    }

    /** Picks and admits a replica for {@code model}, least outstanding first, skipping {@code tried}. */
    public Chooser.Choice<Replica> choose(String model, Collection<Replica> tried) {
        return Chooser.choose(
                replicas.all(), model, tried, ThreadLocalRandom.current().nextInt());
    }

    /**
     * The replica for a retry after {@code previous} failed: one not tried yet; or, when the call was cut by a
     * GOAWAY and every replica was tried, once (while no replica appears twice in {@code tried}) any replica
     * again, on the new connection its channel opens.
     */
    public Chooser.Choice<Replica> chooseForRetry(String model, List<Replica> tried, InferenceException previous) {
        Chooser.Choice<Replica> choice = choose(model, tried);
        if (!choice.found()
                && Failures.connectionGoneAway(previous)
                && Set.copyOf(tried).size() == tried.size()) {
            return choose(model, List.of());
        }
        return choice;
    }

    /** Runs {@code task} on the pool's timer after {@code delayNanos}; null when the pool is closing. */
    public ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        try {
            return scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }
}
