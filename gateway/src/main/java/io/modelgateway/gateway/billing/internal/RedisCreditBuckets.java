package io.modelgateway.gateway.billing.internal;

import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Credit buckets in Redis (Bucket4j's Lettuce compare-and-swap proxy manager, async API), shared by every
 * replica. Buckets never expire on their own; a bucket that is missing (Redis restarted or flushed) is
 * built again from the ledger by the configuration supplier. Concurrent requests of one tenant on one
 * replica are merged ({@code Optimizations.batching()}), which keeps a hot tenant's key from livelocking.
 */
final class RedisCreditBuckets implements CreditBuckets {

    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final LettuceBasedProxyManager<String> manager;
    private final String prefix;
    private final Function<String, CompletableFuture<Long>> initial;
    private final Map<String, AsyncBucketProxy> proxies = new ConcurrentHashMap<>();

    RedisCreditBuckets(String redisUrl, String prefix, Function<String, CompletableFuture<Long>> initial) {
        this.initial = initial;
        this.client = RedisClient.create(redisUrl);
        this.connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        this.manager = Bucket4jLettuce.casBasedBuilder(connection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.none())
                .build();
        this.prefix = prefix;
    }

    private AsyncBucketProxy bucket(String tenant) {
        return proxies.computeIfAbsent(tenant, t -> manager.asAsync().builder()
                .withOptimization(Optimizations.batching())
                .build(prefix + t, () -> initial.apply(t).thenApply(CreditBuckets::configuration)));
    }

    @Override
    public CompletableFuture<Long> takeUpTo(String tenant, long amount) {
        return bucket(tenant).tryConsumeAsMuchAsPossible(amount);
    }

    @Override
    public CompletableFuture<Void> give(String tenant, long amount) {
        return bucket(tenant).addTokens(amount);
    }

    @Override
    public CompletableFuture<Void> charge(String tenant, long amount) {
        return bucket(tenant).consumeIgnoringRateLimits(amount).thenApply(x -> null);
    }

    @Override
    public CompletableFuture<Long> available(String tenant) {
        return bucket(tenant).getAvailableTokens();
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
