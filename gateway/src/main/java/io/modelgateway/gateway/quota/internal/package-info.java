/**
 * How quotas work inside: {@code LimitBook} (deployment defaults plus stored overrides, an immutable
 * snapshot swapped whole on reload), {@code QuotaBucket} (one bucket to charge, its key versioned by its limit),
 * {@code BucketStore} with {@code LocalBuckets} (in memory) and {@code RedisBuckets} (Bucket4j's Lettuce
 * proxy manager, async, batching), {@code Buckets} (which store serves now: Redis, or the configured
 * fallback while Redis is unreachable), and {@code QuotaStage}, the call-pipeline stage that charges at
 * admission and settles with the real usage when the call ends.
 */
package io.modelgateway.gateway.quota.internal;
