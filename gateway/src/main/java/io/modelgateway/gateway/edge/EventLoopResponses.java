package io.modelgateway.gateway.edge;

import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;
import reactor.core.Fuseable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

/**
 * Writes every response on its connection's event loop, whatever thread produced it (a gRPC transport
 * thread, the bounded JDBC scheduler). Reactor Netty 1.3.6 can stall a keep-alive connection when a
 * response ends off the event loop and the client's next request arrives before the previous exchange has
 * terminated: the next request is queued as "pipelined" and its body is never delivered (reactor-netty
 * #4347/#4361). Starting the write, and emitting every chunk and the completion, on the event loop keeps
 * the exchange's end and the next request's start in order. Applied outermost, so error responses written
 * by the exception handlers hop as well. On the event loop already, nothing is scheduled: a body produced there
 * (a Triton answer read on the loop its channel shares with the connection) passes straight through.
 */
@Component
public class EventLoopResponses implements HttpHandlerDecoratorFactory {

    /** One scheduler per loop of this application's server (an instance field: a closed context keeps none). */
    private final Map<EventLoop, Scheduler> schedulers = new ConcurrentHashMap<>();

    @Override
    public HttpHandler apply(HttpHandler handler) {
        return (request, response) -> handler.handle(request, onEventLoop(response));
    }

    ServerHttpResponse onEventLoop(ServerHttpResponse response) {
        EventLoop loop = eventLoop(response);
        return loop == null ? response : new Decorated(response, loop, scheduler(loop));
    }

    /** Runs a signal at once on the loop, queues it there from any other thread. */
    private Scheduler scheduler(EventLoop loop) {
        Scheduler known = schedulers.get(loop);
        return known != null
                ? known
                : schedulers.computeIfAbsent(loop, l -> Schedulers.fromExecutor(RequestLoops.of(l)));
    }

    /** The connection's loop, also under WebFlux's own decorators (a {@code HEAD} request's response is one). */
    private static EventLoop eventLoop(ServerHttpResponse response) {
        try {
            return ServerHttpResponseDecorator.getNativeResponse(response) instanceof Connection c
                    ? c.channel().eventLoop()
                    : null;
        } catch (IllegalArgumentException | IllegalStateException notNetty) { // a decorator of an unknown kind; a mock
            return null;
        }
    }

    private static final class Decorated extends ServerHttpResponseDecorator {

        private final EventLoop loop;
        private final Scheduler scheduler;

        Decorated(ServerHttpResponse delegate, EventLoop loop, Scheduler scheduler) {
            super(delegate);
            this.loop = loop;
            this.scheduler = scheduler;
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            return onLoop(() -> super.writeWith(onLoop(body)));
        }

        @Override
        public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
            return onLoop(() -> super.writeAndFlushWith(Flux.from(onLoop(body)).map(this::onLoop)));
        }

        /** A body whose value is there at subscription (a JSON document) needs no hop; a stream does. */
        private <T> Publisher<T> onLoop(Publisher<T> body) {
            return body instanceof Fuseable.ScalarCallable
                    ? body
                    : Flux.from(body).publishOn(scheduler, 32);
        }

        @Override
        public Mono<Void> setComplete() {
            return onLoop(super::setComplete);
        }

        private Mono<Void> onLoop(Supplier<Mono<Void>> write) {
            return loop.inEventLoop() ? write.get() : Mono.defer(write).subscribeOn(scheduler);
        }
    }
}
