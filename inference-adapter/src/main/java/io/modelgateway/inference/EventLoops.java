package io.modelgateway.inference;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Netty event loops a {@link BackendPool}'s gRPC channels run on, and the socket channel class that fits
 * them (NIO or epoll, as the loops are). A pool given these opens one channel per loop to each replica, and a call
 * started on one of the loops goes out, and is answered, on that same loop: an HTTP server running on the same
 * loops (the gateway's Reactor Netty server) reads a request, calls the backend and writes the answer on one
 * thread. The pool neither owns nor shuts down the loops: close the pool before them.
 */
public final class EventLoops {

    private final List<EventLoop> loops;
    private final Class<? extends Channel> channelType;

    private EventLoops(List<EventLoop> loops, Class<? extends Channel> channelType) {
        if (loops.isEmpty()) {
            throw new IllegalArgumentException("no event loop");
        }
        this.loops = List.copyOf(loops);
        this.channelType = Objects.requireNonNull(channelType, "channelType");
    }

    /**
     * Every loop of {@code group}, with the client socket channel class that runs on them (e.g. Reactor Netty's
     * {@code LoopResources.onChannelClass(SocketChannel.class, group)}).
     */
    public static EventLoops of(EventLoopGroup group, Class<? extends Channel> channelType) {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor e : group) {
            if (!(e instanceof EventLoop loop)) {
                throw new IllegalArgumentException("not an event loop: " + e);
            }
            loops.add(loop);
        }
        return new EventLoops(loops, channelType);
    }

    public List<EventLoop> loops() {
        return loops;
    }

    public Class<? extends Channel> channelType() {
        return channelType;
    }
}
