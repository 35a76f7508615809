package io.modelgateway.gateway.quota.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.modelgateway.gateway.quota.QuotaLimits;
import io.modelgateway.gateway.quota.QuotaProperties;
import io.modelgateway.gateway.quota.internal.LimitRepository.Row;
import io.modelgateway.gateway.runtime.LifecyclePhases;
import io.modelgateway.gateway.runtime.Reloader;
import io.modelgateway.gateway.runtime.Reloads;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Owns the quota feature's moving parts: the limit book and its reloads, the bucket stores, the Redis
 * client, the periodic work (Redis recovery probe, limit reload, eviction of full local buckets) and the
 * limit table's JDBC (on the shared JDBC scheduler).
 */
final class QuotaRuntime implements SmartLifecycle, AutoCloseable {

    private final QuotaProperties properties;
    private final LimitRepository repository;
    private final LimitBook book;
    private final Buckets buckets;
    private final Clock clock;
    private final @Nullable RedisClient redis; // null: no Redis configured (in memory)
    private final @Nullable ClientResources resources; // set with redis
    private final LimitInvalidations invalidations;
    private final Reloader reloader;
    private final Scheduler jdbc;
    private volatile boolean running;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "quota-timer");
        t.setDaemon(true);
        return t;
    });

    QuotaRuntime(
            QuotaProperties properties,
            Function<String, QuotaLimits> defaults,
            LimitRepository repository,
            Clock clock,
            Scheduler jdbc,
            Reloads reloads) {
        this.jdbc = jdbc;
        this.repository = repository;
        this.clock = clock;
        this.book = new LimitBook(properties.keyPrefix(), defaults);
        ClockTimeMeter time = new ClockTimeMeter(clock);
        if (properties.shared()) {
            this.resources = ClientResources.builder()
                    .reconnectDelay(Delay.exponential(
                            Duration.ofMillis(50), properties.recoveryInterval(), 2, TimeUnit.MILLISECONDS))
                    .build();
            this.redis = redisClient(properties, resources);
            this.buckets = Buckets.shared(
                    new RedisBuckets(redis, time, properties.redisTimeout()),
                    new LocalBuckets(time, properties.replicas(), "local-share"),
                    properties.fallback(),
                    clock);
        } else {
            this.resources = null;
            this.redis = null;
            this.buckets = Buckets.inMemory(new LocalBuckets(time, 1, "memory"), clock);
        }
        this.reloader =
                reloads.reloader("quota limits", () -> book.replace(repository.all()), properties.reloadInterval());
        this.invalidations = new LimitInvalidations(redis, properties.keyPrefix() + ":limits", reloader::reloadSoon);
        this.properties = properties;
    }

    /**
     * Loads the stored limits once the schema is migrated (Flyway runs in the background and the tenancy
     * startup, an earlier phase, waits for it) and before the web server takes calls.
     */
    @Override
    public void start() {
        reloader.reload();
        invalidations.ensureSubscribed();
        schedule(properties);
        reloader.start();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return LifecyclePhases.QUOTA;
    }

    private static RedisClient redisClient(QuotaProperties properties, ClientResources resources) {
        RedisClient client = RedisClient.create(resources, RedisURI.create(properties.redisUrl()));
        client.setDefaultTimeout(properties.redisTimeout());
        // Fail fast while disconnected (the fallback serves) instead of queueing commands until Redis is back.
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(properties.redisTimeout()))
                .build());
        return client;
    }

    private void schedule(QuotaProperties properties) {
        long recovery = properties.recoveryInterval().toMillis();
        timer.scheduleWithFixedDelay(buckets::probe, recovery, recovery, TimeUnit.MILLISECONDS);
        long reload = properties.reloadInterval().toMillis();
        timer.scheduleWithFixedDelay(this::periodic, reload, reload, TimeUnit.MILLISECONDS);
    }

    private void periodic() {
        invalidations.ensureSubscribed();
        buckets.local().evictFull();
    }

    LimitBook book() {
        return book;
    }

    Buckets buckets() {
        return buckets;
    }

    /** Stores a tenant's ({@code keyId} = "") or key's limits and applies them here and on every replica. */
    Mono<Void> put(String tenant, String deployment, String keyId, QuotaLimits limits) {
        return write(() -> repository.put(new Row(tenant, deployment, keyId, limits), clock.instant()));
    }

    Mono<Void> delete(String tenant, String deployment, String keyId) {
        return write(() -> repository.delete(tenant, deployment, keyId));
    }

    private Mono<Void> write(Runnable change) {
        return Mono.fromRunnable(() -> {
                    change.run();
                    book.replace(repository.all());
                })
                .subscribeOn(jdbc)
                .doOnSuccess(v -> invalidations.publish())
                .then();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        reloader.close();
        invalidations.close();
        buckets.close();
        if (redis != null) {
            redis.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (resources != null) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
