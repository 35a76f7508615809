package io.modelgateway.gateway.metering.internal;

import static io.modelgateway.gateway.metering.MetricNames.*;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.metering.MetricsProperties;
import io.modelgateway.gateway.runtime.LifecyclePhases;
import io.modelgateway.inference.BackendPool;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Probes what the request path depends on, every {@code gateway.metrics.probe-interval}, so gauges never
 * block a scrape: each deployment's model readiness ({@code gateway.backend.ready}), the replicas of every
 * {@link BackendPool} (bean, or handed over with {@link #watch}), Redis and the database round trip.
 */
@Component
public class Probes implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Probes.class);
    private static final Duration BACKEND_TIMEOUT = Duration.ofSeconds(2);

    private final MeterRegistry registry;
    private final Deployments deployments;
    private final RedisProbe redis;
    private final DataSource dataSource;
    private final Duration interval;
    private final Map<String, AtomicInteger> backendReady = new ConcurrentHashMap<>();
    private final List<PoolGauges> pools = new CopyOnWriteArrayList<>();
    private final Timer dbOk;
    private final Timer dbFailed;
    private final Scheduler jdbc;
    private volatile Disposable ticks;

    public Probes(
            MeterRegistry registry,
            Deployments deployments,
            RedisProbe redis,
            DataSource dataSource,
            MetricsProperties properties,
            ObjectProvider<BackendPool> backendPools,
            Scheduler jdbc) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.deployments = deployments;
        this.redis = redis;
        this.dataSource = dataSource;
        this.interval = properties.probeInterval();
        deployments.all().forEach(d -> readiness(d.name()));
        backendPools.orderedStream().forEach(this::watch);
        deployments.pools().values().forEach(this::watch);
        dbOk = dbTimer("ok");
        dbFailed = dbTimer("error");
    }

    /** The readiness gauge of a deployment, registered the first time it is probed (admin-defined ones later). */
    private AtomicInteger readiness(String deployment) {
        return backendReady.computeIfAbsent(deployment, name -> {
            AtomicInteger state = new AtomicInteger(-1);
            Gauge.builder(BACKEND_READY, state, s -> s.get() < 0 ? Double.NaN : s.get())
                    .description("1 when a deployment's backend says its model is ready")
                    .tag(DEPLOYMENT, name)
                    .register(registry);
            return state;
        });
    }

    private Timer dbTimer(String result) {
        return Timer.builder(DB_LATENCY)
                .description("A database round trip (SELECT 1) from this replica")
                .tag(RESULT, result)
                .register(registry);
    }

    /** Publishes the replica gauges of a backend pool (the hook for pools that are not beans). */
    public void watch(BackendPool pool) {
        pools.add(new PoolGauges(registry, pool));
    }

    /** Runs every probe once; completes when all answered (or timed out). */
    public Mono<Void> probeOnce() {
        pools.forEach(PoolGauges::refresh);
        return Mono.when(
                Flux.fromIterable(deployments.all())
                        .filter(d -> d.backend() != null)
                        .flatMap(this::probeBackend),
                redis.ping(),
                probeDb());
    }

    private Mono<Void> probeBackend(Deployment d) {
        AtomicInteger state = readiness(d.name());
        return Mono.fromFuture(() -> d.backend().modelReady(d.model()))
                .timeout(BACKEND_TIMEOUT)
                .onErrorReturn(false)
                .doOnNext(ready -> state.set(ready ? 1 : 0))
                .then();
    }

    private Mono<Void> probeDb() {
        return Mono.fromRunnable(() -> {
                    long start = System.nanoTime();
                    boolean ok;
                    try (Connection c = dataSource.getConnection();
                            var s = c.createStatement()) {
                        s.setQueryTimeout(2);
                        s.execute("SELECT 1");
                        ok = true;
                    } catch (Exception e) {
                        ok = false;
                    }
                    (ok ? dbOk : dbFailed).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                })
                .subscribeOn(jdbc)
                .then();
    }

    @Override
    public void start() {
        ticks = Flux.interval(Duration.ZERO, interval)
                .onBackpressureDrop()
                .concatMap(
                        tick -> probeOnce().onErrorResume(e -> {
                            log.warn("metrics probe failed: {}", e.toString());
                            return Mono.empty();
                        }),
                        1)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable d = ticks;
        if (d != null) {
            d.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        Disposable d = ticks;
        return d != null && !d.isDisposed();
    }

    /** After the web server starts, first to stop ({@link LifecyclePhases}). */
    @Override
    public int getPhase() {
        return LifecyclePhases.PROBES;
    }
}
