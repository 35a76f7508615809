package io.modelgateway.gateway.metering.internal;

import static io.modelgateway.gateway.metering.MetricNames.*;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.ReplicaStatus;
import io.modelgateway.inference.ReplicaStatus.BreakerState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Gauges over one backend pool's replicas (readiness, calls in flight, breaker state), refreshed on each
 * probe tick from {@link BackendPool#replicas()} so that replicas found or dropped by DNS come and go.
 */
public final class PoolGauges {

    private final BackendPool pool;
    private final MultiGauge ready;
    private final MultiGauge outstanding;
    private final MultiGauge breaker;

    public PoolGauges(MeterRegistry registry, BackendPool pool) {
        this.pool = pool;
        this.ready = MultiGauge.builder(BACKEND_REPLICA_READY)
                .description("1 when a backend replica takes traffic")
                .register(registry);
        this.outstanding = MultiGauge.builder(BACKEND_REPLICA_OUTSTANDING)
                .description("Calls in flight on a backend replica")
                .register(registry);
        this.breaker = MultiGauge.builder(BACKEND_BREAKER_STATE)
                .description("1 for a backend replica's current circuit-breaker state")
                .register(registry);
        refresh();
    }

    public void refresh() {
        List<ReplicaStatus> replicas = pool.replicas();
        List<MultiGauge.Row<?>> readyRows = new ArrayList<>();
        List<MultiGauge.Row<?>> outstandingRows = new ArrayList<>();
        List<MultiGauge.Row<?>> breakerRows = new ArrayList<>();
        for (ReplicaStatus r : replicas) {
            Tags tags = Tags.of(POOL, pool.name(), REPLICA, r.target());
            readyRows.add(MultiGauge.Row.of(tags, r.ready() ? 1 : 0));
            outstandingRows.add(MultiGauge.Row.of(tags, r.outstanding()));
            for (BreakerState s : BreakerState.values()) {
                breakerRows.add(MultiGauge.Row.of(
                        tags.and(STATE, s.name().toLowerCase(Locale.ROOT)), r.breaker() == s ? 1 : 0));
            }
        }
        ready.register(readyRows, true);
        outstanding.register(outstandingRows, true);
        breaker.register(breakerRows, true);
    }
}
