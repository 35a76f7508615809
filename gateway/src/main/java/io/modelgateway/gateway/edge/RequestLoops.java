package io.modelgateway.gateway.edge;

import java.util.concurrent.Executor;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.netty.Connection;

/**
 * The event loop of the connection a request arrived on: work that resumes a request from another thread (the
 * usage spool's group commit, say) goes back there, so that the answer is written on its own loop and the
 * other thread is free at once, instead of writing every answer of a group itself, one after another.
 */
public final class RequestLoops {

    private RequestLoops() {}

    /** The request's event loop, or {@code null} when it did not arrive through Reactor Netty (mock requests). */
    public static Executor of(ServerWebExchange exchange) {
        try {
            Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
            return nativeRequest instanceof Connection c ? c.channel().eventLoop() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
