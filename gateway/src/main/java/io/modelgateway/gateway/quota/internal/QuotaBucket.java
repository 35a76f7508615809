package io.modelgateway.gateway.quota.internal;

import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;

/**
 * One bucket a call is charged to: requests or tokens per minute of a tenant (or one of its keys) on a
 * deployment. The key carries the limit, so a changed limit starts a fresh bucket on every replica at
 * once, with no replacement protocol; the old bucket expires.
 *
 * @param key the bucket's key (a Redis key when shared)
 * @param kind what it counts
 * @param limit per minute
 * @param scope {@link #TENANT}, {@link #KEY} or {@link #DEPLOYMENT}: where the limit comes from
 */
record QuotaBucket(String key, Kind kind, long limit, String scope) {

    /** Whose limit a meter enforces (shown by quotes): the tenant's own, its key's, or the deployment's default. */
    static final String TENANT = "tenant";

    static final String KEY = "key";
    static final String DEPLOYMENT = "deployment";

    static final Duration PERIOD = Duration.ofMinutes(1);

    enum Kind {
        REQUESTS("rpm"),
        TOKENS("tpm");

        final String suffix;

        Kind(String suffix) {
            this.suffix = suffix;
        }
    }

    static QuotaBucket of(String scopeKey, Kind kind, long limit) {
        return of(scopeKey, kind, limit, TENANT);
    }

    static QuotaBucket of(String scopeKey, Kind kind, long limit, String scope) {
        return new QuotaBucket(scopeKey + ":" + kind.suffix + ":" + limit, kind, limit, scope);
    }

    /** {@code limit} per minute, refilled continuously (greedy), starting full. */
    static BucketConfiguration configuration(long limit) {
        return BucketConfiguration.builder()
                .addLimit(b -> b.capacity(limit).refillGreedy(limit, PERIOD).id("limit"))
                .build();
    }

    /** How much {@code tokens} of the whole are: what one call charges to this meter. */
    long charge(long estimate) {
        return kind == Kind.REQUESTS ? 1 : estimate;
    }
}
