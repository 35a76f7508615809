package io.modelgateway.gateway.auth;

import io.modelgateway.gateway.error.ApiException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Authenticates the OpenAI and Azure endpoints with an API key from {@code Authorization: Bearer} or
 * Azure's {@code api-key} header, and records the {@link Caller} on the exchange.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class ApiKeyFilter implements WebFilter {

    private static final String BEARER = "Bearer ";

    private final ApiKeys keys;

    public ApiKeyFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        if (!path.startsWith("/v1/") && !path.startsWith("/openai/")) {
            return chain.filter(exchange);
        }
        String key = presentedKey(exchange.getRequest().getHeaders());
        if (key == null) {
            return Mono.error(ApiException.missingKey());
        }
        return keys.authenticate(key)
                .map(caller -> {
                    exchange.getAttributes().put(Caller.ATTRIBUTE, caller);
                    return chain.filter(exchange);
                })
                .orElseGet(() -> Mono.error(ApiException.invalidKey()));
    }

    private static String presentedKey(HttpHeaders headers) {
        String apiKey = headers.getFirst("api-key");
        if (apiKey != null && !apiKey.isBlank()) {
            return apiKey.trim();
        }
        String auth = headers.getFirst(HttpHeaders.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String token = auth.substring(BEARER.length()).trim();
            return token.isEmpty() ? null : token;
        }
        return null;
    }
}
