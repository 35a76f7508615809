package io.modelgateway.gateway.billing.internal;

import io.github.bucket4j.Bucket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Credit buckets in this process (the embedded default: one replica). Built once per tenant from the ledger. */
final class LocalCreditBuckets implements CreditBuckets {

    private final Map<String, CompletableFuture<Bucket>> buckets = new ConcurrentHashMap<>();
    private final Function<String, CompletableFuture<Long>> initial;

    LocalCreditBuckets(Function<String, CompletableFuture<Long>> initial) {
        this.initial = initial;
    }

    private CompletableFuture<Bucket> bucket(String tenant) {
        CompletableFuture<Bucket> b = buckets.computeIfAbsent(tenant, t -> initial.apply(t)
                .thenApply(available -> Bucket.builder().addLimit(CreditBuckets.configuration(available)
                        .getBandwidths()[0]).build()));
        if (b.isCompletedExceptionally()) { // the ledger could not be read: try again next time
            buckets.remove(tenant, b);
        }
        return b;
    }

    @Override
    public CompletableFuture<Long> takeUpTo(String tenant, long amount) {
        return bucket(tenant).thenApply(b -> b.tryConsumeAsMuchAsPossible(amount));
    }

    @Override
    public CompletableFuture<Void> give(String tenant, long amount) {
        return bucket(tenant).thenAccept(b -> b.addTokens(amount));
    }

    @Override
    public CompletableFuture<Void> charge(String tenant, long amount) {
        return bucket(tenant).thenAccept(b -> b.consumeIgnoringRateLimits(amount));
    }

    @Override
    public CompletableFuture<Long> available(String tenant) {
        return bucket(tenant).thenApply(Bucket::getAvailableTokens);
    }

    @Override
    public void close() {
        buckets.clear();
    }
}
