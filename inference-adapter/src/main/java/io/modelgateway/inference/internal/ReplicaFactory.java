package io.modelgateway.inference.internal;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.modelgateway.inference.PoolConfig;
import io.modelgateway.inference.TokenCounter;
import io.modelgateway.inference.TritonClient;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Builds a replica for one address: a plaintext channel (direct executor) plus its breaker and bulkhead. */
public final class ReplicaFactory {

    private static final int MAX_INBOUND_BYTES = 64 * 1024 * 1024;

    private final PoolConfig config;
    private final CircuitBreakerConfig breakerConfig;
    private final BulkheadConfig bulkheadConfig;

    public ReplicaFactory(PoolConfig config) {
        this.config = config;
        PoolConfig.Breaker b = config.breaker();
        this.breakerConfig = CircuitBreakerConfig.custom()
                // one setter each: slidingWindow(int, int, type) is new in 2.4.0, and consumers managed at 2.3.0 lack
                // it
                .slidingWindowType(SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(b.windowSize())
                .minimumNumberOfCalls(b.minimumCalls())
                .failureRateThreshold(b.failureRatePercent())
                .waitDurationInOpenState(b.openDuration())
                .permittedNumberOfCallsInHalfOpenState(b.halfOpenCalls())
                .build();
        this.bulkheadConfig = BulkheadConfig.custom()
                .maxConcurrentCalls(config.maxConcurrentPerReplica())
                .maxWaitDuration(Duration.ZERO)
                .build();
    }

    public Replica create(String endpoint, InetAddress address, int port) {
        String target = target(address, port);
        ManagedChannel channel = NettyChannelBuilder.forAddress(new InetSocketAddress(address, port))
                .usePlaintext()
                .directExecutor()
                .maxInboundMessageSize(MAX_INBOUND_BYTES)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .build();
        String name = config.name() + "/" + target;
        return new Replica(
                endpoint,
                target,
                channel,
                TritonClient.of(channel, TokenCounter.cl100k()),
                CircuitBreaker.of(name, breakerConfig),
                Bulkhead.of(name, bulkheadConfig));
    }

    public static String target(InetAddress address, int port) {
        String ip = address.getHostAddress();
        return (address instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + port;
    }
}
