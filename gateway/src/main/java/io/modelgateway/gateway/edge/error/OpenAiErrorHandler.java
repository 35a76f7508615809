package io.modelgateway.gateway.edge.error;

import io.modelgateway.gateway.edge.json.Json;
import java.util.Set;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Renders every failure that reaches the web layer as OpenAI's error JSON (see {@link OpenAiErrors}), and
 * every request Spring Security's firewall rejects (an unusual method, a forbidden path or header).
 */
@Component
@Order(-2)
public class OpenAiErrorHandler implements WebExceptionHandler, ServerExchangeRejectedHandler {

    /** The methods Spring Security's strict firewall lets through; any other is a 405. */
    public static final Set<HttpMethod> FIREWALL_METHODS = Set.of(
            HttpMethod.DELETE,
            HttpMethod.GET,
            HttpMethod.HEAD,
            HttpMethod.OPTIONS,
            HttpMethod.PATCH,
            HttpMethod.POST,
            HttpMethod.PUT);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, ServerExchangeRejectedException rejected) {
        if (!FIREWALL_METHODS.contains(exchange.getRequest().getMethod())) {
            return handle(exchange, (Throwable) ApiException.of(
                    HttpStatus.METHOD_NOT_ALLOWED,
                    "invalid_request_error",
                    null,
                    "method_not_allowed",
                    "This HTTP method is not allowed."));
        }
        return handle(exchange, (Throwable) rejected);
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(ex);
        }
        ApiException e = OpenAiErrors.classify(ex);
        response.setStatusCode(e.status());
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        if (e.status().value() == 503 || "backend_overloaded".equals(e.code())) {
            // Backend capacity or health: worth a retry shortly (a stage's own retry-after wins).
            if (!headers.containsHeader(HttpHeaders.RETRY_AFTER)) {
                headers.set(HttpHeaders.RETRY_AFTER, "1");
            }
        }
        byte[] body = Json.write(g -> OpenAiErrors.write(g, e));
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
