package io.modelgateway.gateway.edge;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * {@code HEAD} is answered as {@code GET} without the body (RFC 9110): the same status and headers, so a
 * {@code HEAD} of a resource that exists is not a 404 and one of a POST-only path is a 405. Functional routes
 * match {@code GET} only; WebFlux already drops the body of every answer to a {@code HEAD} request.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2) // before the gate (which matches it as the GET it is answered as) and routing
public class HeadAsGet implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getMethod() != HttpMethod.HEAD) {
            return chain.filter(exchange);
        }
        return chain.filter(
                exchange.mutate().request(r -> r.method(HttpMethod.GET)).build());
    }
}
