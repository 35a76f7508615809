package io.modelgateway.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * A request the gate matched to routes of one router is answered by that router's handler, with the attributes
 * WebFlux's router mapping sets; every other request goes on to the dispatcher.
 */
class GateDispatchTest {

    private final List<String> seen = new ArrayList<>();

    private final RouteTable table = RouteTable.of(
            Map.of(
                    "models",
                    RouterFunctions.route()
                            .POST("/v1/{kind}/completions", req -> {
                                seen.add("models:" + req.pathVariable("kind"));
                                return ServerResponse.status(201).bodyValue("made");
                            })
                            .withAttribute(Access.ATTRIBUTE, Access.INFERENCE)
                            .GET("/v1/models", req -> {
                                seen.add("models:list");
                                return ServerResponse.ok().build();
                            })
                            .withAttribute(Access.ATTRIBUTE, Access.INFERENCE)
                            .build(),
                    "narrow",
                    RouterFunctions.route()
                            .route(
                                    RequestPredicates.GET("/narrow")
                                            .and(RequestPredicates.accept(MediaType.TEXT_PLAIN)),
                                    req -> {
                                        seen.add("narrow");
                                        return ServerResponse.ok().build();
                                    })
                            .withAttribute(Access.ATTRIBUTE, Access.INFERENCE)
                            .build(),
                    "other",
                    RouterFunctions.route()
                            .GET("/v1/{*any}", req -> {
                                seen.add("other");
                                return ServerResponse.ok().build();
                            })
                            .withAttribute(Access.ATTRIBUTE, Access.INFERENCE)
                            .build()),
            List.of(RouteTable.Route.of("probes", java.util.Set.of(), "/livez", Access.PUBLIC)));

    private final GateFilter gate = new GateFilter(table, new GenericApplicationContext());
    private final GateDispatch dispatch = new GateDispatch(table, ServerCodecConfigurer.create());

    private final WebFilterChain dispatcher = exchange -> {
        seen.add("dispatcher");
        return Mono.empty();
    };

    /** The gate, then the dispatch, as in the application's filter chain. */
    private ServerWebExchange run(MockServerHttpRequest.BaseBuilder<?> request) {
        MockServerWebExchange exchange = MockServerWebExchange.from(request);
        StepVerifier.create(gate.filter(exchange, e -> dispatch.filter(e, dispatcher)))
                .verifyComplete();
        return exchange;
    }

    @Test
    void theOneRouterThatDeclaredTheMatchAnswersWithTheRoutersAttributes() {
        ServerWebExchange exchange = run(MockServerHttpRequest.post("/v1/chat/completions"));
        assertThat(seen).containsExactly("models:chat");
        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(201);
        assertThat(((MockServerWebExchange) exchange)
                        .getResponse()
                        .getBodyAsString()
                        .block())
                .isEqualTo("made");
        assertThat(String.valueOf((Object) exchange.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE)))
                .isEqualTo("{kind=chat}");
        assertThat(exchange.getAttributes())
                .containsKey(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE)
                .containsKey(RouterFunctions.REQUEST_ATTRIBUTE);
        assertThat(exchange.getAttributes().get(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE))
                .hasToString("/v1/{kind}/completions");
    }

    @Test
    void routesOfTwoRoutersGoOnToTheDispatcher() {
        run(MockServerHttpRequest.get("/v1/models"));
        assertThat(seen).containsExactly("dispatcher");
    }

    @Test
    void aRouterThatDeclinesAfterAllLeavesTheRequestToTheDispatcher() {
        ServerWebExchange exchange = run(MockServerHttpRequest.get("/narrow").accept(MediaType.APPLICATION_JSON));
        assertThat(seen).containsExactly("dispatcher");
        assertThat(exchange.getAttributes()).doesNotContainKey(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE);

        run(MockServerHttpRequest.get("/narrow").accept(MediaType.TEXT_PLAIN));
        assertThat(seen).containsExactly("dispatcher", "narrow");
    }

    @Test
    void noRouteAndRoutesOfNoRouterGoOnToTheDispatcher() {
        run(MockServerHttpRequest.post("/nothing/here"));
        run(MockServerHttpRequest.post("/v1/chat/completions/extra"));
        run(MockServerHttpRequest.get("/livez"));
        assertThat(seen).containsExactly("dispatcher", "dispatcher", "dispatcher");
    }

    @Test
    void aCorsPreflightGoesOnToTheDispatcher() {
        run(MockServerHttpRequest.options("/v1/chat/completions")
                .header("Origin", "https://example.com")
                .header("Access-Control-Request-Method", "POST"));
        assertThat(seen).containsExactly("dispatcher");
    }
}
