package io.modelgateway.gateway.tenancy;

/**
 * Tells the other replicas that something stored changed, and hears when they did: the tenancy's Redis
 * pub/sub ({@code gateway.tenancy.redis-url}), one channel per topic; nothing to tell without it. Messages
 * carry no data and a replica does not hear its own: a receiver reloads from the database, the source of
 * truth. Best effort; each user of it also reloads periodically, which heals a lost message.
 */
public interface ReplicaSignals {

    /** Tells the other replicas that what {@code topic} names changed. */
    void publish(String topic);

    /** Runs {@code onSignal} (on a Redis thread: hand real work off) when another replica publishes {@code topic}. */
    void subscribe(String topic, Runnable onSignal);
}
