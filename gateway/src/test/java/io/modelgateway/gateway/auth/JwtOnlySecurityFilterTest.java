package io.modelgateway.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** Only JWT bearers enter Spring Security's proxy; API keys and requests without a credential go straight on. */
class JwtOnlySecurityFilterTest {

    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

    private final AtomicInteger securityRuns = new AtomicInteger();
    private final AtomicInteger chainRuns = new AtomicInteger();
    private final WebFilterChainProxy security = new WebFilterChainProxy(List.of()) {
        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            securityRuns.incrementAndGet();
            return Mono.empty(); // e.g. a refused token: the rest of the chain does not run
        }
    };
    private final WebFilterChain chain = exchange -> {
        chainRuns.incrementAndGet();
        return Mono.empty();
    };
    private final WebFilterChainProxy filter =
            (WebFilterChainProxy) JwtOnlySecurityFilter.wrapper().postProcessAfterInitialization(security, "proxy");

    private void send(MockServerHttpRequest.BaseBuilder<?> request) {
        filter.filter(MockServerWebExchange.from(request.build()), chain).block();
    }

    @Test
    void aJwtBearerGoesThroughSpringSecurity() {
        send(MockServerHttpRequest.get("/v1/models").header("Authorization", "Bearer " + JWT));
        assertThat(securityRuns).hasValue(1);
        assertThat(chainRuns).hasValue(0);
    }

    @Test
    void apiKeysAndAnonymousRequestsSkipIt() {
        send(MockServerHttpRequest.get("/v1/models").header("Authorization", "Bearer sk-abc"));
        send(MockServerHttpRequest.get("/v1/models").header("api-key", "abc"));
        send(MockServerHttpRequest.get("/v1/models").header("api-key", "abc").header("Authorization", "Bearer " + JWT));
        send(MockServerHttpRequest.get("/v1/models"));
        assertThat(securityRuns).hasValue(0);
        assertThat(chainRuns).hasValue(4);
    }

    @Test
    void theWrapperIsStillTheProxyTypeAndWrapsOnce() {
        assertThat(filter).isInstanceOf(JwtOnlySecurityFilter.class);
        Object again = JwtOnlySecurityFilter.wrapper().postProcessAfterInitialization(filter, "proxy");
        assertThat(again).isSameAs(filter);
        assertThat(JwtOnlySecurityFilter.wrapper().postProcessAfterInitialization("other", "x")).isEqualTo("other");
    }
}
