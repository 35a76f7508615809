package io.modelgateway.gateway.metering.internal;

import static io.modelgateway.gateway.metering.MetricNames.*;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.modelgateway.gateway.tenancy.TenancyProperties;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Pings the gateway's Redis ({@code gateway.tenancy.redis-url}) on its own connection: the round trip goes
 * to {@code gateway.redis.latency}, the answer to {@code gateway.redis.up}. Not configured: no meters, and
 * the health component says so. Non-blocking (Lettuce's async API); the connection is made on first use and
 * Lettuce reconnects by itself.
 */
@Component
public class RedisProbe implements DisposableBean {

    static final Duration TIMEOUT = Duration.ofSeconds(1);

    /** A ping's answer: {@code error} is null when Redis answered. */
    public record Result(boolean up, Duration latency, String error) {}

    private final String url;
    private final MeterRegistry registry;
    private final AtomicInteger up = new AtomicInteger();
    private volatile RedisClient client;
    private volatile StatefulRedisConnection<String, String> connection;
    private Timer ok;
    private Timer failed;

    public RedisProbe(TenancyProperties tenancy, MeterRegistry registry) {
        this.url = tenancy.redisUrl();
        this.registry = registry;
        if (configured()) {
            ok = latency("ok");
            failed = latency("error");
            Gauge.builder(REDIS_UP, up, AtomicInteger::get)
                    .description("1 when the last Redis ping answered")
                    .register(registry);
        }
    }

    private Timer latency(String result) {
        return Timer.builder(REDIS_LATENCY)
                .description("Round trip of a Redis PING from this replica")
                .tag(RESULT, result)
                .register(registry);
    }

    public boolean configured() {
        return !url.isBlank();
    }

    /** Pings once; completes with the result, never with an error. */
    public Mono<Result> ping() {
        if (!configured()) {
            return Mono.empty();
        }
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return Mono.fromCompletionStage(() -> connection().async().ping())
                    .timeout(TIMEOUT)
                    .map(pong -> done(start, null))
                    .onErrorResume(e -> Mono.just(
                            done(start, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
        });
    }

    private Result done(long start, String error) {
        long nanos = System.nanoTime() - start;
        (error == null ? ok : failed).record(nanos, TimeUnit.NANOSECONDS);
        up.set(error == null ? 1 : 0);
        return new Result(error == null, Duration.ofNanos(nanos), error);
    }

    private synchronized StatefulRedisConnection<String, String> connection() {
        if (connection == null) {
            RedisURI uri = RedisURI.create(url);
            uri.setTimeout(TIMEOUT);
            client = RedisClient.create(uri);
            connection = client.connect();
        }
        return connection;
    }

    @Override
    public synchronized void destroy() {
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
