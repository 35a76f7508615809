package io.modelgateway.gateway.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.modelgateway.gateway.Replicas;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two replicas' signals on the real Redis (127.0.0.1:6379): each hears the other's, never its own. */
class RedisSignalsTest {

    private final RedisClient client = RedisClient.create(Replicas.REDIS);
    private final String channel = "signals-test:" + UUID.randomUUID();

    @AfterEach
    void close() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }

    @Test
    void aReplicaHearsTheOthersSignalsOnItsTopicsAndNotItsOwn() {
        try (RedisSignals a = new RedisSignals(client, channel);
                RedisSignals b = new RedisSignals(client, channel)) {
            AtomicInteger aHeard = new AtomicInteger();
            AtomicInteger bHeardLimits = new AtomicInteger();
            AtomicInteger bHeardGates = new AtomicInteger();
            a.subscribe("", aHeard::incrementAndGet);
            b.subscribe("", bHeardLimits::incrementAndGet); // asked before connecting: subscribed on connect
            a.publish(""); // not connected yet: nothing sent, nothing thrown
            a.connect();
            b.connect();
            b.subscribe("gates", bHeardGates::incrementAndGet); // asked once connected: subscribed at once

            a.publish("");
            await().atMost(Duration.ofSeconds(10)).until(() -> bHeardLimits.get() == 1);
            a.publish("gates");
            await().atMost(Duration.ofSeconds(10)).until(() -> bHeardGates.get() == 1);
            b.publish("");
            await().atMost(Duration.ofSeconds(10)).until(() -> aHeard.get() == 1);

            assertThat(bHeardLimits.get())
                    .as("b did not hear its own signal, nor a's on another topic")
                    .isEqualTo(1);
            assertThat(aHeard.get()).as("a heard b once, never itself").isEqualTo(1);
        }
    }

    @Test
    void connectQuietlyReportsAnUnreachableRedisAndCanBeRetried() {
        RedisClient down = RedisClient.create("redis://127.0.0.1:1");
        try (RedisSignals s = new RedisSignals(down, channel)) {
            assertThat(s.connectQuietly()).isFalse();
            assertThat(s.connectQuietly()).isFalse();
        } finally {
            down.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }
}
