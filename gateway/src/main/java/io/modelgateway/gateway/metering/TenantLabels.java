package io.modelgateway.gateway.metering;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Caps the {@code tenant} label: the first {@code max} tenants seen keep their id, every later one is
 * {@code other}. Lock-free; a known tenant costs one map read.
 */
public final class TenantLabels {

    public static final String OTHER = "other";
    /** Calls without a tenant (platform credentials). */
    public static final String NONE = "none";

    private final int max;
    private final ConcurrentHashMap<String, String> known = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();

    public TenantLabels(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max tenant labels must not be negative: " + max);
        }
        this.max = max;
    }

    public String of(@Nullable String tenant) {
        if (tenant == null) {
            return NONE;
        }
        String label = known.get(tenant);
        return label != null ? label : admit(tenant);
    }

    private String admit(String tenant) {
        int n;
        do {
            n = size.get();
            if (n >= max) {
                return OTHER;
            }
        } while (!size.compareAndSet(n, n + 1));
        String previous = known.putIfAbsent(tenant, tenant);
        if (previous != null) {
            size.decrementAndGet(); // another thread admitted it first
        }
        return tenant;
    }

    /** Distinct tenants with their own label. */
    public int size() {
        return size.get();
    }
}
