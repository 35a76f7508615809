package io.modelgateway.gateway.auth;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The last web filter: a request whose matched routes ({@link GateFilter}) were all declared by one router
 * function is handed to that router through WebFlux's own {@link RouterFunctionMapping} for it alone (the same
 * request attributes, CORS and API-version handling as the dispatcher's mapping) and its handler's answer written,
 * without WebFlux's dispatcher asking every handler mapping in turn and every other router before it (about 5% of
 * the gateway's CPU on a model call). Every other request (no route, routes of several sources, the actuator's, a
 * CORS pre-flight, or a router that declines it after all) goes on to the dispatcher. Every filter before this one
 * has run either way: this is where the chain ends, not a second door.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class GateDispatch implements WebFilter {

    /** What a mapping that finds no handler function for the request is mapped to. */
    private static final Object NOT_ROUTED = new Object();

    private final RouteTable table;
    private final Map<RouterFunction<?>, RouterFunctionMapping> mappings = new IdentityHashMap<>();
    private final ServerResponse.Context context;

    GateDispatch(RouteTable table, ServerCodecConfigurer codecs) {
        this.table = table;
        for (RouterFunction<?> router : table.routers().values()) {
            RouterFunctionMapping mapping = new RouterFunctionMapping(router);
            mapping.setMessageReaders(codecs.getReaders());
            mappings.put(router, mapping);
        }
        List<HttpMessageWriter<?>> writers = codecs.getWriters();
        this.context = new ServerResponse.Context() {
            @Override
            public List<HttpMessageWriter<?>> messageWriters() {
                return writers;
            }

            @Override
            public List<ViewResolver> viewResolvers() {
                return List.of();
            }
        };
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        RouterFunction<?> router = table.router(RouteTable.matched(exchange));
        if (router == null || CorsUtils.isPreFlightRequest(exchange.getRequest())) {
            return chain.filter(exchange);
        }
        return mappings.get(router)
                .getHandler(exchange)
                .defaultIfEmpty(NOT_ROUTED)
                .flatMap(handler -> handler instanceof HandlerFunction<?> function
                        ? handle(exchange, function)
                        : chain.filter(exchange));
    }

    private Mono<Void> handle(ServerWebExchange exchange, HandlerFunction<?> handler) {
        ServerRequest request = exchange.getRequiredAttribute(RouterFunctions.REQUEST_ATTRIBUTE);
        return handler.handle(request).flatMap(response -> response.writeTo(exchange, context));
    }
}
