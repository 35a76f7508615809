package io.modelgateway.gateway.edge;

import io.netty.channel.EventLoop;
import java.util.concurrent.Executor;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.netty.Connection;

/**
 * The event loop of the connection a request arrived on: work that resumes a request from another thread (the
 * usage spool's group commit, say) goes back there, so that the answer is written on its own loop and the
 * other thread is free at once, instead of writing every answer of a group itself, one after another. Work that
 * is already on that loop (a backend answer read there: the Triton pools' channels run on the server's loops)
 * runs at once, without a trip through the loop's task queue.
 */
public final class RequestLoops {

    private RequestLoops() {}

    /** The request's event loop, or {@code null} when it did not arrive through Reactor Netty (mock requests). */
    public static Executor of(ServerWebExchange exchange) {
        EventLoop loop = eventLoop(exchange);
        return loop == null ? null : of(loop);
    }

    /** The event loop of the request's connection, or {@code null} when it did not arrive through Reactor Netty. */
    public static EventLoop eventLoop(ServerWebExchange exchange) {
        try {
            Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
            return nativeRequest instanceof Connection c ? c.channel().eventLoop() : null;
        } catch (IllegalArgumentException | IllegalStateException notNetty) { // a decorator of an unknown kind; a mock
            return null;
        }
    }

    /**
     * {@code loop} as an executor that runs a task at once when called on the loop, and queues it there otherwise.
     * Two for one loop are equal (callers may key caches by it); nothing static keeps a loop, so the loops of a
     * closed application context are not held.
     */
    public static Executor of(EventLoop loop) {
        return new OnLoop(loop);
    }

    private record OnLoop(EventLoop loop) implements Executor {

        @Override
        public void execute(Runnable task) {
            if (loop.inEventLoop()) {
                task.run();
            } else {
                loop.execute(task);
            }
        }
    }
}
