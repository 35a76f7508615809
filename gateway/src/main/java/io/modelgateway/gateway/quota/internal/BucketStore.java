package io.modelgateway.gateway.quota.internal;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import java.util.List;
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

    /**
     * Takes {@code tokens[i]} from the bucket of {@code meters.get(i)}, all or nothing: when one bucket cannot
     * give its tokens, none is taken. One probe per meter, in order: a bucket that could give its tokens has a
     * consumed probe (its remaining tokens as if taken), the others a rejected one with the wait.
     */
    CompletableFuture<List<ConsumptionProbe>> tryConsumeAll(List<QuotaBucket> meters, long[] tokens);

    /**
     * Whether {@code tokens[i]} could be taken now from each bucket and, if not, how long until they could: the
     * buckets' state without taking anything (Bucket4j's {@code estimateAbilityToConsume}).
     */
    CompletableFuture<List<EstimationProbe>> peekAll(List<QuotaBucket> meters, long[] tokens);

    default CompletableFuture<ConsumptionProbe> tryConsume(QuotaBucket meter, long tokens) {
        return tryConsumeAll(List.of(meter), new long[] {tokens}).thenApply(p -> p.get(0));
    }

    default CompletableFuture<EstimationProbe> peek(QuotaBucket meter, long tokens) {
        return peekAll(List.of(meter), new long[] {tokens}).thenApply(p -> p.get(0));
    }

    /** Gives tokens back (capped at the capacity). */
    CompletableFuture<Void> refund(QuotaBucket meter, long tokens);

    /** Takes tokens even past zero: a call used more than it was charged. */
    CompletableFuture<Void> charge(QuotaBucket meter, long tokens);
}
