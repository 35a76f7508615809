/**
 * How quotas work inside: {@code LimitBook} (deployment defaults plus stored overrides, an immutable
 * snapshot swapped whole on reload), {@code QuotaBucket} (one bucket to charge, its key versioned by its limit),
 * {@code BucketStore} with {@code LocalBuckets} (Bucket4j buckets in memory) and {@code RedisBuckets} (buckets
 * in Redis shared by all replicas, changed by one Lua script, {@code quota-buckets.lua}, that does Bucket4j's
 * greedy-refill arithmetic on all of a call's buckets at once; async, its operations sent in batches through
 * {@code runtime.ScriptBatcher}), {@code Buckets} (which store serves now: Redis, or the configured fallback
 * while Redis is unreachable), and {@code QuotaStage}, the call-pipeline stage that charges at admission and
 * settles with the real usage when the call ends.
 *
 * <p>Null-safety: everything here is non-null unless marked {@code @Nullable}; NullAway checks it at compile time.
 */
@NullMarked
package io.modelgateway.gateway.quota.internal;

import org.jspecify.annotations.NullMarked;
