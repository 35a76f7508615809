package io.modelgateway.inference;

import java.util.Map;

/**
 * One replica of a backend pool, for health endpoints and metrics.
 *
 * @param endpoint the configured {@code host:port} it came from
 * @param target the address called ({@code ip:port})
 * @param ready whether it takes traffic: its last ServerReady poll said ready and no failed call has marked it
 *     down since
 * @param outstanding calls in flight on it
 * @param breaker its circuit breaker's state
 * @param models readiness of each polled model (ModelReady)
 */
public record ReplicaStatus(
        String endpoint,
        String target,
        boolean ready,
        int outstanding,
        BreakerState breaker,
        Map<String, Boolean> models) {

    public ReplicaStatus {
        models = Map.copyOf(models);
    }

    /** A circuit breaker's state. */
    public enum BreakerState {
        /** Calls pass; failures are counted. */
        CLOSED,
        /** Calls are refused until the open duration has passed. */
        OPEN,
        /** A few trial calls pass; their outcome closes or reopens the breaker. */
        HALF_OPEN
    }
}
