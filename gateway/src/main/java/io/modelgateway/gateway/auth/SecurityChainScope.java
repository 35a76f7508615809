package io.modelgateway.gateway.auth;

import io.modelgateway.gateway.edge.error.OpenAiErrorHandler;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.core.annotation.Order;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Mono;

/**
 * Spring Security's filter ({@link WebFilterChainProxy}) in its place in the chain, run for the requests it acts
 * on: a JWT bearer's ({@link JwtSecurityConfiguration}'s one chain matches no other) and a method its strict
 * firewall refuses (a 405). Every other request goes on without it. For those the proxy would only have wrapped
 * the exchange in its firewall and looked for a chain. That cost about 3% of the gateway's CPU on an API-key
 * call: the request's headers re-checked on every read, the response's headers copied to check them before the
 * commit, and operators to find no chain. Those requests are still checked before this filter runs:
 * <ul>
 *   <li>the path by {@link PathFirewall} in {@link GateFilter}, the same rules as the firewall and stricter;
 *   <li>the request's headers by Netty's decoder, which refuses control characters in a name or value (400);
 *   <li>the response's headers are the gateway's own, never copied from a request (request ids are generated).
 * </ul>
 * Runs before {@code ComposedFilters} composes the list (order 0; that customizer has none).
 */
@Component
@Order(0)
class SecurityChainScope implements WebHttpHandlerBuilderCustomizer {

    @Override
    public void customize(WebHttpHandlerBuilder builder) {
        builder.filters(filters ->
                filters.replaceAll(f -> f instanceof WebFilterChainProxy proxy ? new ScopedSecurityChain(proxy) : f));
    }

    /** Whether Spring Security's filter runs for this request. */
    static boolean applies(ServerWebExchange exchange) {
        return !OpenAiErrorHandler.FIREWALL_METHODS.contains(
                        exchange.getRequest().getMethod())
                || AuthHeaders.isJwtRequest(exchange);
    }

    /** The proxy, run only where it {@linkplain #applies applies}. */
    record ScopedSecurityChain(WebFilterChainProxy proxy) implements WebFilter {

        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            return applies(exchange) ? proxy.filter(exchange, chain) : chain.filter(exchange);
        }
    }
}
