package io.modelgateway.gateway.quota.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the other replicas over Redis pub/sub that stored limits changed; a receiver reloads them from the
 * database. Best effort: a lost message is healed by the periodic reload. Connects lazily, so a replica
 * that starts while Redis is down subscribes once it is back ({@link #ensureSubscribed}, every reload).
 */
final class LimitInvalidations {

    private static final Logger log = LoggerFactory.getLogger(LimitInvalidations.class);

    private final RedisClient client;
    private final String channel;
    private final String self = UUID.randomUUID().toString();
    private final Runnable onInvalidate;
    private volatile StatefulRedisConnection<String, String> publisher;
    private volatile StatefulRedisPubSubConnection<String, String> subscriber;

    LimitInvalidations(RedisClient client, String channel, Runnable onInvalidate) {
        this.client = client;
        this.channel = channel;
        this.onInvalidate = onInvalidate;
    }

    synchronized void ensureSubscribed() {
        if (client == null || subscriber != null) {
            return;
        }
        try {
            StatefulRedisPubSubConnection<String, String> s = client.connectPubSub();
            s.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String ch, String origin) {
                    if (channel.equals(ch) && !self.equals(origin)) {
                        onInvalidate.run();
                    }
                }
            });
            s.sync().subscribe(channel);
            publisher = client.connect();
            subscriber = s;
        } catch (RuntimeException e) {
            log.warn("quota limits: cannot subscribe to invalidations yet (reloading every interval): {}",
                    e.toString());
        }
    }

    void publish() {
        StatefulRedisConnection<String, String> p = publisher;
        if (p == null) {
            return;
        }
        p.async().publish(channel, self).exceptionally(e -> {
            log.warn("could not publish a quota limit change (other replicas heal at their next reload): {}",
                    e.toString());
            return 0L;
        });
    }

    void close() {
        if (subscriber != null) {
            subscriber.close();
        }
        if (publisher != null) {
            publisher.close();
        }
    }
}
