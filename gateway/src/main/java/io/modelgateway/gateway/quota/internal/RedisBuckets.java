package io.modelgateway.gateway.quota.internal;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Buckets shared by all replicas in Redis, through Bucket4j's Lettuce (compare-and-swap) proxy manager and
 * its asynchronous API. Each bucket's proxy is kept and built with {@link Optimizations#batching()}, so
 * concurrent calls of a hot tenant on this replica are merged into one CAS round instead of retrying
 * against each other. Connects lazily: a replica that starts while Redis is down starts on its fallback.
 */
final class RedisBuckets implements BucketStore {

    /** The most bucket proxies kept (one per tenant, key and deployment meter in use). */
    static final int MAX_PROXIES = 10_000;

    private final RedisClient client;
    private final TimeMeter time;
    private final Duration timeout;
    private final int maxProxies;
    private final Map<String, AsyncBucketProxy> proxies = new ConcurrentHashMap<>();
    private volatile StatefulRedisConnection<String, byte[]> connection;
    private volatile AsyncProxyManager<String> manager;

    RedisBuckets(RedisClient client, TimeMeter time, Duration timeout) {
        this(client, time, timeout, MAX_PROXIES);
    }

    RedisBuckets(RedisClient client, TimeMeter time, Duration timeout, int maxProxies) {
        this.client = client;
        this.time = time;
        this.timeout = timeout;
        this.maxProxies = maxProxies;
    }

    /** Connects if not connected yet; throws when Redis cannot be reached. */
    synchronized void connect() {
        if (connection != null) {
            return;
        }
        StatefulRedisConnection<String, byte[]> c =
                client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        manager = Bucket4jLettuce.casBasedBuilder(c)
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .clientClock(time)
                .requestTimeout(timeout)
                .build()
                .asAsync();
        connection = c;
    }

    /** Completes when Redis answers a PING within the timeout. */
    CompletableFuture<Void> ping() {
        try {
            connect();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return connection
                .async()
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
    public CompletableFuture<ConsumptionProbe> tryConsume(QuotaBucket meter, long tokens) {
        return guarded(meter, p -> p.tryConsumeAndReturnRemaining(tokens));
    }

    @Override
    public CompletableFuture<EstimationProbe> peek(QuotaBucket meter, long tokens) {
        return guarded(meter, p -> p.estimateAbilityToConsume(tokens));
    }

    @Override
    public CompletableFuture<Void> refund(QuotaBucket meter, long tokens) {
        return guarded(meter, p -> p.addTokens(tokens));
    }

    @Override
    public CompletableFuture<Long> charge(QuotaBucket meter, long tokens) {
        return guarded(meter, p -> p.consumeIgnoringRateLimits(tokens));
    }

    private <T> CompletableFuture<T> guarded(
            QuotaBucket meter, java.util.function.Function<AsyncBucketProxy, CompletableFuture<T>> op) {
        if (manager == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected to Redis"));
        }
        try {
            return op.apply(proxy(meter)).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The bucket's proxy, kept while fewer than {@link #MAX_PROXIES} are: past that the kept ones are forgotten
     * (they hold no state of their own, the bucket lives in Redis), so keys of tenants, keys and limits that are
     * gone do not pile up.
     */
    private AsyncBucketProxy proxy(QuotaBucket meter) {
        if (proxies.size() >= maxProxies && !proxies.containsKey(meter.key())) {
            proxies.clear();
        }
        return proxies.computeIfAbsent(
                meter.key(),
                key -> manager.builder()
                        .withOptimization(Optimizations.batching())
                        .build(key, () -> CompletableFuture.completedFuture(QuotaBucket.configuration(meter.limit()))));
    }

    int proxies() {
        return proxies.size();
    }

    void close() {
        StatefulRedisConnection<String, byte[]> c = connection;
        if (c != null) {
            c.close();
        }
    }
}
