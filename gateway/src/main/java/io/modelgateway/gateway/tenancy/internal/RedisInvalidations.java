package io.modelgateway.gateway.tenancy.internal;

import io.lettuce.core.RedisClient;
import io.modelgateway.gateway.runtime.RedisSignals;
import java.time.Duration;

/**
 * Invalidations over Redis pub/sub ({@link RedisSignals}), connected at once: a replica configured with a
 * Redis URL does not start without it. A lost message is healed by the periodic full reload.
 */
final class RedisInvalidations implements Invalidations {

    private final RedisClient client;
    private final RedisSignals signals;

    RedisInvalidations(String url, String channel) {
        this.client = RedisClient.create(url);
        client.setDefaultTimeout(Duration.ofSeconds(2));
        this.signals = new RedisSignals(client, channel);
        signals.connect();
    }

    @Override
    public void publish(String topic) {
        signals.publish(topic);
    }

    @Override
    public void subscribe(String topic, Runnable onInvalidate) {
        signals.subscribe(topic, onInvalidate);
    }

    @Override
    public void close() {
        signals.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
