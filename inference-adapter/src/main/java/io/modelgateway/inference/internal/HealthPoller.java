package io.modelgateway.inference.internal;

import io.modelgateway.inference.PoolConfig;
import java.time.Duration;

/**
 * Polls each replica's ServerReady and, for every model in use, ModelReady. Calls are asynchronous with a
 * deadline, so a poll never holds the timer thread.
 */
public final class HealthPoller {

    private final PoolRuntime pool;
    private final Duration timeout;

    public HealthPoller(PoolRuntime pool) {
        this.pool = pool;
        PoolConfig.Health health = pool.config().health();
        this.timeout = health.pollTimeout();
    }

    public void pollAll() {
        pool.replicas().forEach(this::poll);
    }

    /** Polls the models the pool was configured with, before any call asks for them. */
    public void trackConfiguredModels() {
        pool.config().models().forEach(pool::track);
    }

    public void poll(Replica replica) {
        pool.recheck(replica);
    }
}
