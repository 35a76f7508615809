package io.modelgateway.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.MatcherSecurityWebFilterChain;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * Spring Security's real filter, scoped: it runs (its firewall and its chains) for a JWT bearer's request and for
 * a method its firewall refuses, and an API-key request goes on untouched, the same exchange, no chain asked.
 */
class SecurityChainScopeTest {

    private static final String JWT = "eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl";

    /** Exchanges the security chain's own filter saw. */
    private final List<ServerWebExchange> securityRan = new ArrayList<>();

    /** Exchanges that reached the filters after Spring Security's. */
    private final List<ServerWebExchange> passedOn = new ArrayList<>();

    private final WebFilter scoped = new SecurityChainScope.ScopedSecurityChain(new WebFilterChainProxy(
            new MatcherSecurityWebFilterChain(ServerWebExchangeMatchers.anyExchange(), List.of((exchange, chain) -> {
                securityRan.add(exchange);
                return chain.filter(exchange);
            }))));

    @Test
    void anApiKeyRequestPassesWithoutTheProxy() {
        for (var request : List.of(
                post().header(HttpHeaders.AUTHORIZATION, "Bearer sk-0123456789abcdef"),
                post().header("api-key", "sk-0123456789abcdef"),
                post().header("api-key", "sk-0123456789abcdef").header(HttpHeaders.AUTHORIZATION, "Bearer " + JWT),
                post())) {
            MockServerWebExchange exchange = MockServerWebExchange.from(request);
            run(exchange);
            assertThat(passedOn).last().isSameAs(exchange); // not wrapped in the firewall's exchange
        }
        assertThat(securityRan).isEmpty();
    }

    @Test
    void aJwtBearersRequestGoesThroughTheProxyAndItsFirewall() {
        MockServerWebExchange exchange =
                MockServerWebExchange.from(post().header(HttpHeaders.AUTHORIZATION, "Bearer " + JWT));
        run(exchange);
        assertThat(securityRan).hasSize(1);
        assertThat(passedOn).hasSize(1);
        assertThat(passedOn.get(0)).isNotSameAs(exchange); // the firewall's wrapper
    }

    @Test
    void anUnusualMethodStillMeetsTheFirewall() {
        MockServerWebExchange exchange =
                MockServerWebExchange.from(MockServerHttpRequest.method(HttpMethod.TRACE, "/v1/models")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer sk-0123456789abcdef"));
        run(exchange);
        assertThat(passedOn).isEmpty();
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST); // its default handler
    }

    private void run(ServerWebExchange exchange) {
        scoped.filter(exchange, e -> {
                    passedOn.add(e);
                    return Mono.empty();
                })
                .block();
    }

    private static MockServerHttpRequest.BaseBuilder<?> post() {
        return MockServerHttpRequest.post("/v1/chat/completions");
    }
}
