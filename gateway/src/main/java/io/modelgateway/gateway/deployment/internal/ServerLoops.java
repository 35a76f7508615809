package io.modelgateway.gateway.deployment.internal;

import io.modelgateway.inference.EventLoops;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.resources.LoopResources;

/**
 * The event loops the gateway's HTTP server runs its connections on, for the Triton pools' gRPC channels: Spring
 * Boot's Netty server runs on the {@link ReactorResourceFactory}'s {@link LoopResources} with Reactor Netty's
 * default transport preference ({@link LoopResources#DEFAULT_NATIVE}: epoll where its native library loads, else
 * NIO), its connections on {@code onServer(DEFAULT_NATIVE)}; the channel class is the one those loops take. A
 * request read on a loop then calls its backend, reads the answer and writes it on that one loop.
 */
public final class ServerLoops {

    private ServerLoops() {}

    /** The server's loops, or null without a resource factory (no Reactor Netty server: a pool's own loops). */
    public static EventLoops of(ReactorResourceFactory resources) {
        if (resources == null) {
            return null;
        }
        LoopResources loops = resources.getLoopResources();
        EventLoopGroup group = loops.onServer(LoopResources.DEFAULT_NATIVE);
        return EventLoops.of(group, loops.onChannelClass(SocketChannel.class, group));
    }
}
