package io.modelgateway.gateway.runtime;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals between replicas over Redis pub/sub (Lettuce): one channel per topic ({@code <channel>} for the empty
 * topic, {@code <channel>:<topic>} for the others). A message carries only its sender's id, so a replica never
 * hears its own; a receiver reloads from the database, the source of truth. Best effort: a lost message is
 * healed by the receiver's periodic reload ({@link Reloader}). Not connected, publishing does nothing and
 * subscriptions wait for {@link #connect()}; once connected, Lettuce reconnects and resubscribes by itself.
 */
public final class RedisSignals implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisSignals.class);

    private final RedisClient client;
    private final String channel;
    private final String self = UUID.randomUUID().toString();
    private final Map<String, List<Runnable>> listeners = new ConcurrentHashMap<>();
    private volatile @Nullable StatefulRedisConnection<String, String> publisher;
    private volatile @Nullable StatefulRedisPubSubConnection<String, String> subscriber;

    public RedisSignals(RedisClient client, String channel) {
        this.client = client;
        this.channel = channel;
    }

    /** Connects (once) and subscribes to the topics asked for so far; throws when Redis cannot be reached. */
    public synchronized void connect() {
        if (subscriber != null) {
            return;
        }
        StatefulRedisPubSubConnection<String, String> s = client.connectPubSub();
        try {
            s.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String ch, String origin) {
                    if (!self.equals(origin)) {
                        listeners.getOrDefault(ch, List.of()).forEach(Runnable::run);
                    }
                }
            });
            if (!listeners.isEmpty()) {
                s.sync().subscribe(listeners.keySet().toArray(String[]::new));
            }
            publisher = client.connect();
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        subscriber = s;
    }

    /** {@link #connect()}, a failure logged (call it again later: at every periodic reload, say). */
    public boolean connectQuietly() {
        try {
            connect();
            return true;
        } catch (RuntimeException e) {
            log.warn(
                    "cannot subscribe to replica signals on '{}' yet (reloading every interval): {}",
                    channel,
                    e.toString());
            return false;
        }
    }

    /** Tells the other replicas that what {@code topic} names changed. */
    public void publish(String topic) {
        StatefulRedisConnection<String, String> p = publisher;
        if (p == null) {
            return;
        }
        p.async().publish(channel(topic), self).exceptionally(e -> {
            log.warn(
                    "could not publish a signal on '{}' (other replicas heal at their next reload): {}",
                    channel(topic),
                    e.toString());
            return 0L;
        });
    }

    /** Runs {@code onSignal} (on a Redis thread: hand real work off) when another replica publishes {@code topic}. */
    public synchronized void subscribe(String topic, Runnable onSignal) {
        String ch = channel(topic);
        List<Runnable> those = listeners.computeIfAbsent(ch, c -> new CopyOnWriteArrayList<>());
        those.add(onSignal);
        StatefulRedisPubSubConnection<String, String> s = subscriber;
        if (s != null && those.size() == 1) {
            s.sync().subscribe(ch);
        }
    }

    private String channel(String topic) {
        return topic.isEmpty() ? channel : channel + ":" + topic;
    }

    @Override
    public synchronized void close() {
        if (subscriber != null) {
            subscriber.close();
        }
        if (publisher != null) {
            publisher.close();
        }
    }
}
