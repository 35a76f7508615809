package io.modelgateway.gateway.quota.internal;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Buckets in this replica's memory (lock-free Bucket4j buckets): the store of the embedded default, and
 * the fallback while Redis is unreachable, where each replica enforces {@code limit / share} of a limit.
 */
final class LocalBuckets implements BucketStore {

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final TimeMeter time;
    private final int share;
    private final String name;

    LocalBuckets(TimeMeter time, int share, String name) {
        this.time = time;
        this.share = share;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long limit(QuotaBucket meter) {
        return Math.max(1, meter.limit() / share);
    }

    @Override
    public CompletableFuture<ConsumptionProbe> tryConsume(QuotaBucket meter, long tokens) {
        return CompletableFuture.completedFuture(bucket(meter).tryConsumeAndReturnRemaining(tokens));
    }

    @Override
    public CompletableFuture<EstimationProbe> peek(QuotaBucket meter, long tokens) {
        return CompletableFuture.completedFuture(bucket(meter).estimateAbilityToConsume(tokens));
    }

    @Override
    public CompletableFuture<Void> refund(QuotaBucket meter, long tokens) {
        bucket(meter).addTokens(tokens);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Long> charge(QuotaBucket meter, long tokens) {
        return CompletableFuture.completedFuture(bucket(meter).consumeIgnoringRateLimits(tokens));
    }

    /** Forgets full buckets: a full bucket is the same as a new one, so nothing is lost. */
    void evictFull() {
        buckets.entrySet().removeIf(e -> e.getValue().getAvailableTokens() >= capacity(e.getKey()));
    }

    /** Forgets every bucket (the fallback starts anew at each outage). */
    void clear() {
        buckets.clear();
    }

    int size() {
        return buckets.size();
    }

    private long capacity(String key) {
        return Math.max(1, Long.parseLong(key.substring(key.lastIndexOf(':') + 1)) / share);
    }

    private Bucket bucket(QuotaBucket meter) {
        return buckets.computeIfAbsent(
                meter.key(),
                k -> Bucket.builder()
                        .addLimit(QuotaBucket.configuration(limit(meter)).getBandwidths()[0])
                        .withCustomTimePrecision(time)
                        .build());
    }
}
