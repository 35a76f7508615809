package io.modelgateway.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.edge.error.ApiException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

class GateFilterTest {

    private final GenericApplicationContext context = new GenericApplicationContext();
    private final RouteTable table = RouteTable.of(
            Map.of(
                    "r",
                    RouterFunctions.route()
                            .GET(
                                    "/admin/v1/tenants/{tenant}",
                                    req -> ServerResponse.ok().build())
                            .withAttribute(Access.ATTRIBUTE, Access.ADMIN)
                            .build()),
            List.of());
    private final GateFilter gate = new GateFilter(table, context);

    @Test
    void recordsTheDeclaredRoutesOfTheDecodedPath() {
        ServerWebExchange exchange = served(get("/%61dmin/v1/tenants/acme"), context);
        assertThat(passes(exchange)).isTrue();
        assertThat(RouteTable.matched(exchange))
                .singleElement()
                .extracting(RouteTable.Route::access)
                .isEqualTo(Access.ADMIN);
        ServerWebExchange unknown = served(get("/admin/v1/nothing"), context);
        assertThat(passes(unknown)).isTrue();
        assertThat(RouteTable.matched(unknown)).isEmpty();
        assertThat(RouteTable.isPublic(RouteTable.matched(unknown))).isFalse();
    }

    @Test
    void refusesAnAmbiguousPathBeforeAnythingElse() {
        ServerWebExchange exchange = served(get("/admin/v1/tenants/%2e%2e/acme"), context);
        AtomicBoolean passed = new AtomicBoolean();
        Throwable error = gate.filter(exchange, e -> {
                    passed.set(true);
                    return Mono.empty();
                })
                .map(v -> (Throwable) null)
                .onErrorResume(Mono::just)
                .block();
        assertThat(passed).isFalse();
        assertThat(error).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status().value()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("invalid_path");
        });
    }

    @Test
    void leavesTheManagementServersOwnPortToIt() {
        GenericApplicationContext management = new GenericApplicationContext();
        management.setParent(context);
        ServerWebExchange exchange = served(get("/actuator/prometheus"), management);
        assertThat(passes(exchange)).isTrue();
        assertThat(RouteTable.isPublic(RouteTable.matched(exchange))).isTrue();
        // an unrelated context is not the management server: the table decides
        ServerWebExchange other = served(get("/actuator/prometheus"), new GenericApplicationContext());
        assertThat(passes(other)).isTrue();
        assertThat(RouteTable.matched(other)).isEmpty();
    }

    private boolean passes(ServerWebExchange exchange) {
        AtomicBoolean passed = new AtomicBoolean();
        WebFilterChain chain = e -> {
            passed.set(true);
            return Mono.empty();
        };
        gate.filter(exchange, chain).block();
        return passed.get();
    }

    private static MockServerHttpRequest get(String rawPath) {
        return MockServerHttpRequest.method(HttpMethod.GET, URI.create(rawPath)).build();
    }

    private static ServerWebExchange served(MockServerHttpRequest request, ApplicationContext context) {
        return new ServerWebExchangeDecorator(MockServerWebExchange.from(request)) {
            @Override
            public ApplicationContext getApplicationContext() {
                return context;
            }
        };
    }
}
