package io.modelgateway.gateway.quota.internal;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.modelgateway.gateway.runtime.ScriptBatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Buckets shared by all replicas in Redis, changed by one Lua script ({@code quota-buckets.lua}) that does what
 * Bucket4j's greedy bandwidth does (the same integer arithmetic, so a bucket here and one in memory agree
 * token for token), on every bucket of a call at once. Bucket4j's own Redis integration cannot: it is
 * compare-and-swap per bucket (a {@code GET} and an {@code EVAL} for each bucket of each call).
 *
 * <p>Operations travel in batches ({@link ScriptBatcher}): a call's admission (all its buckets, all or nothing)
 * is one urgent operation, sent at once unless {@value #MAX_IN_FLIGHT} batches are in flight (then with the
 * next batch); the corrections when calls end (refunds and overrun charges) are lazy, sent at once when nothing
 * is in flight, else with the next batch; at most {@value #MAX_BATCH} operations a batch. A bucket is kept in
 * Redis at {@code <meter key>:b} until it would be full again (plus a margin); a full bucket is deleted.
 * Connects lazily: a replica that starts while Redis is down starts on its fallback.
 */
final class RedisBuckets implements BucketStore {

    /** The most operations in one script call. */
    static final int MAX_BATCH = 128;

    /** The most batches in flight at once; an admission waits only when this many are. */
    static final int MAX_IN_FLIGHT = 2;

    private final RedisClient client;
    private final TimeMeter time;
    private final Duration timeout;
    private final ScriptBatcher batcher;
    private volatile @Nullable StatefulRedisConnection<String, String> connection; // set by connect()

    RedisBuckets(RedisClient client, TimeMeter time, Duration timeout) {
        this.client = client;
        this.time = time;
        this.timeout = timeout;
        this.batcher = ScriptBatcher.forScript(
                RedisBuckets.class, "quota-buckets.lua", () -> connection, timeout, MAX_BATCH, MAX_IN_FLIGHT);
    }

    /** Connects if not connected yet; throws when Redis cannot be reached. */
    synchronized StatefulRedisConnection<String, String> connect() {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            c = client.connect(StringCodec.UTF8);
            connection = c;
        }
        return c;
    }

    /** Completes when Redis answers a PING within the timeout. */
    CompletableFuture<Void> ping() {
        StatefulRedisConnection<String, String> c;
        try {
            c = connect();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return c.async()
                .ping()
                .toCompletableFuture()
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenAccept(pong -> {});
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public long limit(QuotaBucket meter) {
        return meter.limit();
    }

    @Override
    public CompletableFuture<List<ConsumptionProbe>> tryConsumeAll(List<QuotaBucket> meters, long[] tokens) {
        return take(meters, tokens, true).thenApply(r -> {
            List<ConsumptionProbe> probes = new ArrayList<>(meters.size());
            for (int i = 0; i < meters.size(); i++) {
                long available = number(r.get(1 + 2 * i));
                probes.add(
                        tokens[i] <= available
                                ? ConsumptionProbe.consumed(available - tokens[i], 0)
                                : ConsumptionProbe.rejected(available, wait(r.get(2 + 2 * i)), 0));
            }
            return probes;
        });
    }

    @Override
    public CompletableFuture<List<EstimationProbe>> peekAll(List<QuotaBucket> meters, long[] tokens) {
        return take(meters, tokens, false).thenApply(r -> {
            List<EstimationProbe> probes = new ArrayList<>(meters.size());
            for (int i = 0; i < meters.size(); i++) {
                long available = number(r.get(1 + 2 * i));
                probes.add(
                        tokens[i] <= available
                                ? EstimationProbe.canBeConsumed(available)
                                : EstimationProbe.canNotBeConsumed(available, wait(r.get(2 + 2 * i))));
            }
            return probes;
        });
    }

    @Override
    public CompletableFuture<Void> refund(QuotaBucket meter, long tokens) {
        return add(meter, tokens);
    }

    @Override
    public CompletableFuture<Void> charge(QuotaBucket meter, long tokens) {
        return add(meter, -tokens);
    }

    /** Script calls (round trips) sent so far, each carrying one or more operations. */
    long batches() {
        return batcher.batches();
    }

    /** Operations sent so far (in {@link #batches()} script calls). */
    long operations() {
        return batcher.operations();
    }

    /** The bucket's Redis key (not the key of Bucket4j's earlier buckets, whose state it cannot read). */
    static String redisKey(QuotaBucket meter) {
        return meter.key() + ":b";
    }

    private CompletableFuture<List<Object>> take(List<QuotaBucket> meters, long[] tokens, boolean taking) {
        List<String> keys = new ArrayList<>(meters.size());
        List<String> args = new ArrayList<>(3 + 2 * meters.size());
        args.add("take");
        args.add(Long.toString(now()));
        args.add(taking ? "1" : "0");
        for (int i = 0; i < meters.size(); i++) {
            keys.add(redisKey(meters.get(i)));
            args.add(Long.toString(meters.get(i).limit()));
            args.add(Long.toString(tokens[i]));
        }
        return batcher.urgent(keys, args);
    }

    private CompletableFuture<Void> add(QuotaBucket meter, long delta) {
        return batcher.lazy(
                        List.of(redisKey(meter)),
                        List.of("add", Long.toString(now()), Long.toString(meter.limit()), Long.toString(delta)))
                .thenAccept(r -> {});
    }

    /** Microseconds (the script's unit): Bucket4j's nanoseconds agree with them when they are whole ones. */
    private long now() {
        return time.currentTimeNanos() / 1000;
    }

    private static long wait(Object o) {
        long nanos = number(o);
        return nanos < 0 ? Long.MAX_VALUE : nanos;
    }

    private static long number(Object o) {
        return o instanceof Long l ? l : Long.parseLong(String.valueOf(o));
    }

    void close() {
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
    }
}
