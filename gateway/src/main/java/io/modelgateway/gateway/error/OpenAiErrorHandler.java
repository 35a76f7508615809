package io.modelgateway.gateway.error;

import io.modelgateway.gateway.openai.internal.Json;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/** Renders every failure that reaches the web layer as OpenAI's error JSON (see {@link OpenAiErrors}). */
@Component
@Order(-2)
public class OpenAiErrorHandler implements WebExceptionHandler {

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
