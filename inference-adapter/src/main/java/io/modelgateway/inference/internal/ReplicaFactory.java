package io.modelgateway.inference.internal;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.modelgateway.inference.EventLoops;
import io.modelgateway.inference.PoolConfig;
import io.modelgateway.inference.TokenCounter;
import io.modelgateway.inference.TritonClient;
import io.netty.channel.EventLoop;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a replica for one address: plaintext channels (direct executor: callbacks run on the thread that read
 * the answer) plus its breaker and bulkhead. With {@link EventLoops}, one channel per loop, each bound to its
 * loop; without, one channel on gRPC's own loops.
 */
public final class ReplicaFactory {

    private final PoolConfig config;
    private final CircuitBreakerConfig breakerConfig;
    private final BulkheadConfig bulkheadConfig;
    private final EventLoops loops;

    /** @param loops the event loops to bind channels to, or null for gRPC's own */
    public ReplicaFactory(PoolConfig config, EventLoops loops) {
        this.config = config;
        this.loops = loops;
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
        InetSocketAddress socket = new InetSocketAddress(address, port);
        TokenCounter counter = TokenCounter.cl100k();
        List<Replica.Lane> lanes = new ArrayList<>();
        if (loops == null) {
            lanes.add(lane(null, channel(socket).build(), counter));
        } else {
            for (EventLoop loop : loops.loops()) {
                lanes.add(lane(
                        loop,
                        channel(socket)
                                .eventLoopGroup(loop)
                                .channelType(loops.channelType())
                                .build(),
                        counter));
            }
        }
        String name = config.name() + "/" + target;
        Replica replica = new Replica(
                endpoint, target, lanes, CircuitBreaker.of(name, breakerConfig), Bulkhead.of(name, bulkheadConfig));
        replica.connect();
        return replica;
    }

    private static NettyChannelBuilder channel(InetSocketAddress socket) {
        return TritonClient.configure(NettyChannelBuilder.forAddress(socket));
    }

    private static Replica.Lane lane(EventLoop loop, ManagedChannel channel, TokenCounter counter) {
        return new Replica.Lane(loop, channel, TritonClient.of(channel, counter));
    }

    public static String target(InetAddress address, int port) {
        String ip = address.getHostAddress();
        return (address instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + port;
    }
}
