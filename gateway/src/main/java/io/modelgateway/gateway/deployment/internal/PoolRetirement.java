package io.modelgateway.gateway.deployment.internal;

import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.ReplicaStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closes the pools no deployment uses any more, once their calls in flight finished (no replica has one
 * outstanding) and at least {@link #SETTLE} after they were retired (a request that resolved its deployment
 * just before the change still gets to start its call), and at the latest after the grace.
 */
public final class PoolRetirement implements AutoCloseable {

    static final Duration SETTLE = Duration.ofSeconds(2);
    private static final long SWEEP_MS = 500;

    private final Clock clock;
    private final Duration grace;
    private final Map<BackendPool, Instant> retired = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pool-retirement");
        t.setDaemon(true);
        return t;
    });

    public PoolRetirement(Clock clock, Duration grace) {
        this.clock = clock;
        this.grace = grace;
        timer.scheduleWithFixedDelay(this::sweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
    }

    public void retire(BackendPool pool) {
        retired.putIfAbsent(pool, clock.instant());
    }

    void sweep() {
        Instant now = clock.instant();
        retired.forEach((pool, since) -> {
            Duration age = Duration.between(since, now);
            if (age.compareTo(SETTLE) >= 0 && (idle(pool) || age.compareTo(grace) >= 0)) {
                retired.remove(pool);
                pool.close();
            }
        });
    }

    private static boolean idle(BackendPool pool) {
        return pool.replicas().stream().mapToInt(ReplicaStatus::outstanding).sum() == 0;
    }

    /** At shutdown: closes every retired pool now. */
    @Override
    public void close() {
        timer.shutdownNow();
        retired.keySet().forEach(BackendPool::close);
        retired.clear();
    }
}
