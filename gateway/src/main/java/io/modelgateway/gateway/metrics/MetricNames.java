package io.modelgateway.gateway.metrics;

/** Every metric name the gateway records, in one place (lowercase, dot-separated). */
public final class MetricNames {

    private MetricNames() {}

    /** Gauge: 1 while quota buckets fell back from Redis (limits not shared across replicas), else 0. */
    public static final String QUOTA_DEGRADED = "gateway.quota.degraded";

    /** Counter: calls refused by a quota; tags {@code deployment}, {@code limit} (requests|tokens|too_large). */
    public static final String QUOTA_REJECTED = "gateway.quota.rejected";
}
