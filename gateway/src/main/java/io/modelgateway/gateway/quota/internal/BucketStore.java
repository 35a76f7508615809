package io.modelgateway.gateway.quota.internal;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import java.util.concurrent.CompletableFuture;

/**
 * Where buckets live. Every operation is asynchronous and never blocks the caller; a failed future means
 * the store could not be reached (never a rejection, which is a {@link ConsumptionProbe} value).
 */
interface BucketStore {

    /** {@code redis}, {@code memory} or {@code local-share}, for health and logs. */
    String name();

    /** The limit this store enforces for a meter (a replica's share on the fallback store). */
    long limit(QuotaBucket meter);

    CompletableFuture<ConsumptionProbe> tryConsume(QuotaBucket meter, long tokens);

    /**
     * Whether {@code tokens} could be taken now and, if not, how long until they could: the bucket's state
     * without taking anything (Bucket4j's {@code estimateAbilityToConsume}).
     */
    CompletableFuture<EstimationProbe> peek(QuotaBucket meter, long tokens);

    /** Gives tokens back (capped at the capacity). */
    CompletableFuture<Void> refund(QuotaBucket meter, long tokens);

    /** Takes tokens even past zero: a call used more than it was charged. */
    CompletableFuture<Long> charge(QuotaBucket meter, long tokens);
}
