package io.modelgateway.gateway.quota.internal;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@code /actuator/health} component {@code quota}: {@code UP} with the store in use ({@code memory} or
 * {@code redis}); {@code DEGRADED} (HTTP 200) while Redis is unreachable and limits are not shared, with
 * the fallback in force, since when and why.
 */
final class QuotaHealthIndicator implements HealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "quota limits are not shared across replicas");

    private final Buckets buckets;

    QuotaHealthIndicator(Buckets buckets) {
        this.buckets = buckets;
    }

    @Override
    public Health health() {
        if (!buckets.shared()) {
            return Health.up().withDetail("store", "memory").build();
        }
        if (!buckets.degraded()) {
            return Health.up().withDetail("store", "redis").build();
        }
        return Health.status(DEGRADED)
                .withDetail("store", "redis-unreachable")
                .withDetail("fallback", buckets.fallback().name().toLowerCase())
                .withDetail("since", String.valueOf(buckets.downSince()))
                .withDetail("error", String.valueOf(buckets.downReason()))
                .build();
    }
}
