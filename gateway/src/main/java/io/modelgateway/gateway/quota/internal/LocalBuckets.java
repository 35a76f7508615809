package io.modelgateway.gateway.quota.internal;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import java.util.ArrayList;
import java.util.List;
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

    /** All or nothing: what some buckets gave is given back when another one cannot give its share. */
    @Override
    public CompletableFuture<List<ConsumptionProbe>> tryConsumeAll(List<QuotaBucket> meters, long[] tokens) {
        List<ConsumptionProbe> probes = new ArrayList<>(meters.size());
        boolean all = true;
        for (int i = 0; i < meters.size(); i++) {
            ConsumptionProbe p = bucket(meters.get(i)).tryConsumeAndReturnRemaining(tokens[i]);
            probes.add(p);
            all &= p.isConsumed();
        }
        if (!all) {
            for (int i = 0; i < meters.size(); i++) {
                if (probes.get(i).isConsumed()) {
                    bucket(meters.get(i)).addTokens(tokens[i]);
                }
            }
        }
        return CompletableFuture.completedFuture(probes);
    }

    @Override
    public CompletableFuture<List<EstimationProbe>> peekAll(List<QuotaBucket> meters, long[] tokens) {
        List<EstimationProbe> probes = new ArrayList<>(meters.size());
        for (int i = 0; i < meters.size(); i++) {
            probes.add(bucket(meters.get(i)).estimateAbilityToConsume(tokens[i]));
        }
        return CompletableFuture.completedFuture(probes);
    }

    @Override
    public CompletableFuture<Void> refund(QuotaBucket meter, long tokens) {
        bucket(meter).addTokens(tokens);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> charge(QuotaBucket meter, long tokens) {
        bucket(meter).consumeIgnoringRateLimits(tokens);
        return CompletableFuture.completedFuture(null);
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
