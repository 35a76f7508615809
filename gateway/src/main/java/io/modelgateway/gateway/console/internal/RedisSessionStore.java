package io.modelgateway.gateway.console.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Sessions in Redis, shared by every replica: one string per session under the hash of its id, encrypted
 * ({@link SessionCodec}), expiring with the session. Sign-out deletes it, so it ends on every replica at once.
 */
public final class RedisSessionStore implements SessionStore {

    private static final String PREFIX = "model-gateway:console:session:";

    private final SessionCodec codec;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisReactiveCommands<String, String> redis;

    RedisSessionStore(String url, SessionCodec codec) {
        this.codec = codec;
        this.client = RedisClient.create(url);
        client.setDefaultTimeout(Duration.ofSeconds(2));
        this.connection = client.connect();
        this.redis = connection.reactive();
    }

    @Override
    public Mono<Void> save(Session session, Duration ttl) {
        return redis.set(key(session.id()), codec.seal(session), SetArgs.Builder.px(Math.max(1, ttl.toMillis())))
                .then();
    }

    @Override
    public Mono<Session> find(String id) {
        return redis.get(key(id)).mapNotNull(blob -> codec.open(id, blob));
    }

    @Override
    public Mono<Void> delete(String id) {
        return redis.del(key(id)).then();
    }

    private static String key(String id) {
        return PREFIX + SessionCodec.storedId(id);
    }

    @Override
    public String describe() {
        return "Redis (shared by the replicas, encrypted)";
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
