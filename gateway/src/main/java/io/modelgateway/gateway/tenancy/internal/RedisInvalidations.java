package io.modelgateway.gateway.tenancy.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invalidations over Redis pub/sub (Lettuce). Publishing is asynchronous and best effort: a lost
 * message is healed by the periodic full reload. Lettuce reconnects and resubscribes by itself.
 */
final class RedisInvalidations implements Invalidations {

    private static final Logger log = LoggerFactory.getLogger(RedisInvalidations.class);

    private final String channel;
    private final String self = UUID.randomUUID().toString();
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> publisher;
    private final StatefulRedisPubSubConnection<String, String> subscriber;

    RedisInvalidations(String url, String channel) {
        this.channel = channel;
        this.client = RedisClient.create(url);
        client.setDefaultTimeout(Duration.ofSeconds(2));
        this.publisher = client.connect();
        this.subscriber = client.connectPubSub();
    }

    @Override
    public void publish(String topic) {
        publisher.async().publish(channel(topic), self).exceptionally(e -> {
            log.warn("could not publish an invalidation of '{}' (other replicas heal at their next reload): {}",
                    channel(topic), e.toString());
            return 0L;
        });
    }

    @Override
    public void subscribe(String topic, Runnable onInvalidate) {
        String wanted = channel(topic);
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String origin) {
                if (wanted.equals(ch) && !self.equals(origin)) {
                    onInvalidate.run();
                }
            }
        });
        subscriber.sync().subscribe(wanted);
    }

    /** Tenancy on the configured channel itself, another topic on {@code <channel>:<topic>}. */
    private String channel(String topic) {
        return topic.isEmpty() ? channel : channel + ":" + topic;
    }

    @Override
    public void close() {
        subscriber.close();
        publisher.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
