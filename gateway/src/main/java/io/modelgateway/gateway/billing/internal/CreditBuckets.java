package io.modelgateway.gateway.billing.internal;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One Bucket4j bucket per tenant whose tokens are the credits (micro-units) not yet held or spent. Taking
 * is atomic (across replicas when the buckets live in Redis). A missing bucket is built from the ledger
 * by the function given at construction, which answers a tenant's available credits.
 */
interface CreditBuckets extends AutoCloseable {

    /** Far above any balance (USD 1 billion); the bucket never refills on its own. */
    long CAPACITY = 1_000_000_000_000_000L;

    /** Takes as much as there is, up to {@code amount}; completes with what was taken. */
    CompletableFuture<Long> takeUpTo(String tenant, long amount);

    /** Gives credits back (a released hold, a top-up). */
    CompletableFuture<Void> give(String tenant, long amount);

    /** Takes credits even past zero (a cost above its hold, an expiry). */
    CompletableFuture<Void> charge(String tenant, long amount);

    /** What the bucket holds now. */
    CompletableFuture<Long> available(String tenant);

    /** The bucket of a tenant with {@code available} credits. */
    static BucketConfiguration configuration(long available) {
        Bandwidth credits = Bandwidth.builder().capacity(CAPACITY)
                .refillIntervally(1, Duration.ofDays(3650)) // Bucket4j needs a refill; one micro-unit a decade
                .initialTokens(Math.max(0, Math.min(CAPACITY, available)))
                .id("credits")
                .build();
        return BucketConfiguration.builder().addLimit(credits).build();
    }

    @Override
    void close();
}
