package io.modelgateway.gateway.quota.internal;

import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.quota.QuotaProperties.Fallback;
import java.time.Clock;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which bucket store serves calls right now. Without Redis: memory, always. With Redis: Redis while it
 * answers; after a failure, the configured {@link Fallback} until a probe ({@link #probe}, every
 * recovery interval) finds Redis answering again.
 */
final class Buckets {

    private static final Logger log = LoggerFactory.getLogger(Buckets.class);

    private final @Nullable RedisBuckets redis;
    private final LocalBuckets local;
    private final Fallback fallback;
    private final Clock clock;
    private volatile @Nullable String downReason;
    private volatile @Nullable Instant downSince;

    /** In memory only (no Redis configured). */
    static Buckets inMemory(LocalBuckets memory, Clock clock) {
        return new Buckets(null, memory, Fallback.LOCAL, clock);
    }

    /** Redis, with {@code localShares} (limit / replicas) as the {@link Fallback#LOCAL} store. */
    static Buckets shared(RedisBuckets redis, LocalBuckets localShares, Fallback fallback, Clock clock) {
        Buckets b = new Buckets(redis, localShares, fallback, clock);
        try {
            redis.connect();
        } catch (RuntimeException e) {
            b.down(redis, e);
        }
        return b;
    }

    private Buckets(@Nullable RedisBuckets redis, LocalBuckets local, Fallback fallback, Clock clock) {
        this.redis = redis;
        this.local = local;
        this.fallback = fallback;
        this.clock = clock;
    }

    /**
     * The store to charge now, or {@code null} when calls pass unchecked ({@link Fallback#ALLOW} during
     * an outage); throws a 503 under {@link Fallback#REJECT} during an outage.
     */
    @Nullable
    BucketStore current() {
        if (redis == null) {
            return local;
        }
        if (downReason == null) {
            return redis;
        }
        return switch (fallback) {
            case LOCAL -> local;
            case ALLOW -> null;
            case REJECT -> throw ApiException.quotaUnavailable();
        };
    }

    /** {@code store} failed: when it is Redis, fall back until a probe succeeds. */
    void down(BucketStore store, Throwable error) {
        if (store != redis || downReason != null) {
            return;
        }
        synchronized (this) {
            if (downReason == null) {
                local.clear();
                downSince = clock.instant();
                downReason = String.valueOf(unwrap(error));
                log.warn(
                        "quota buckets: Redis unreachable, falling back to '{}': {}",
                        fallback.name().toLowerCase(),
                        downReason);
            }
        }
    }

    /** When fallen back, checks whether Redis answers again (never blocks). */
    void probe() {
        if (redis == null || downReason == null) {
            return;
        }
        redis.ping().whenComplete((ok, e) -> {
            if (e == null && downReason != null) {
                log.info("quota buckets: Redis answers again, limits are shared again");
                downReason = null;
                downSince = null;
            }
        });
    }

    boolean degraded() {
        return downReason != null;
    }

    @Nullable
    String downReason() {
        return downReason;
    }

    @Nullable
    Instant downSince() {
        return downSince;
    }

    boolean shared() {
        return redis != null;
    }

    Fallback fallback() {
        return fallback;
    }

    LocalBuckets local() {
        return local;
    }

    void close() {
        if (redis != null) {
            redis.close();
        }
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof java.util.concurrent.CompletionException
                        || e instanceof java.util.concurrent.ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
