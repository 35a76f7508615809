package io.modelgateway.gateway.quota.internal;

import io.lettuce.core.RedisClient;
import io.modelgateway.gateway.runtime.RedisSignals;
import org.jspecify.annotations.Nullable;

/**
 * Tells the other replicas over Redis pub/sub ({@link RedisSignals}, on the quota's own Redis) that stored limits
 * changed; a receiver reloads them from the database. Best effort: a lost message is healed by the periodic
 * reload. Connects lazily, so a replica that starts while Redis is down subscribes once it is back
 * ({@link #ensureSubscribed}, every reload interval). Without Redis (no client) it does nothing.
 */
final class LimitInvalidations {

    private final @Nullable RedisSignals signals;

    LimitInvalidations(@Nullable RedisClient client, String channel, Runnable onInvalidate) {
        this.signals = client == null ? null : new RedisSignals(client, channel);
        if (signals != null) {
            signals.subscribe("", onInvalidate);
        }
    }

    void ensureSubscribed() {
        if (signals != null) {
            signals.connectQuietly();
        }
    }

    void publish() {
        if (signals != null) {
            signals.publish("");
        }
    }

    void close() {
        if (signals != null) {
            signals.close();
        }
    }
}
