package io.modelgateway.gateway.auth;

import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.codec.HttpMessageReader;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The last web filter: a request whose matched routes ({@link GateFilter}) were all declared by one router
 * function is handed to that router and its handler's answer written, as WebFlux's dispatcher would with
 * the same router (the first handler mapping it asks), without asking every handler mapping in turn and
 * every other router before it (about 5% of the gateway's CPU on a model call). Every other request (no
 * route, routes of several sources, the actuator's, a CORS pre-flight, or a router that declines it after
 * all) goes on to the dispatcher. Every filter before this one has run either way: this is where the chain
 * ends, not a second door.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class GateDispatch implements WebFilter {

    /** What a router that declines the request (no handler after all) is mapped to. */
    private static final Object NOT_ROUTED = new Object();

    private final RouteTable table;
    private final List<HttpMessageReader<?>> readers;
    private final ServerResponse.Context context;

    GateDispatch(RouteTable table, ServerCodecConfigurer codecs) {
        this.table = table;
        this.readers = codecs.getReaders();
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
        ServerRequest request = ServerRequest.create(exchange, readers);
        return router.route(request)
                .<Object>map(handler -> handler)
                .defaultIfEmpty(NOT_ROUTED)
                .flatMap(handler -> handler == NOT_ROUTED
                        ? chain.filter(exchange)
                        : handle(exchange, request, (HandlerFunction<?>) handler));
    }

    private Mono<Void> handle(ServerWebExchange exchange, ServerRequest request, HandlerFunction<?> handler) {
        routed(exchange.getAttributes(), request, handler);
        return handler.handle(request).flatMap(response -> response.writeTo(exchange, context));
    }

    /** The attributes WebFlux's router mapping sets on a routed request (read by handlers and observations). */
    private static void routed(Map<String, Object> attributes, ServerRequest request, HandlerFunction<?> handler) {
        attributes.put(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE, handler);
        attributes.put(RouterFunctions.REQUEST_ATTRIBUTE, request);
        Object pattern = attributes.get(RouterFunctions.MATCHING_PATTERN_ATTRIBUTE);
        if (pattern != null) {
            attributes.put(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, pattern);
            ServerRequestObservationContext.findCurrent(attributes)
                    .ifPresent(observed -> observed.setPathPattern(pattern.toString()));
        }
        Object variables = attributes.get(RouterFunctions.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        if (variables != null) {
            attributes.put(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, variables);
        }
    }
}
