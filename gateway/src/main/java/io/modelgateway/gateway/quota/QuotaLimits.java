package io.modelgateway.gateway.quota;

import org.jspecify.annotations.Nullable;

/**
 * Requests and tokens per minute; {@code null} means no limit of that kind (or, in an override, "as the
 * deployment's default").
 */
public record QuotaLimits(@Nullable Long rpm, @Nullable Long tpm) {

    public static final QuotaLimits NONE = new QuotaLimits(null, null);

    /**
     * The largest limit the admin API and the configuration take: the token buckets refill at most one token
     * per nanosecond (6e10 a minute).
     */
    public static final long MAX = 10_000_000_000L;

    public QuotaLimits {
        if (rpm != null && rpm < 1 || tpm != null && tpm < 1) {
            throw new IllegalArgumentException("limits must be positive: rpm=" + rpm + ", tpm=" + tpm);
        }
    }

    /** These limits where set, else {@code defaults}'. */
    public QuotaLimits orElse(QuotaLimits defaults) {
        return new QuotaLimits(rpm != null ? rpm : defaults.rpm, tpm != null ? tpm : defaults.tpm);
    }

    public boolean none() {
        return rpm == null && tpm == null;
    }
}
