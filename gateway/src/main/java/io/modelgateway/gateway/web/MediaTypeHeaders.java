package io.modelgateway.gateway.web;

import io.modelgateway.gateway.error.ApiException;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses, before any other stage, a request whose {@code Content-Type} (415) or {@code Accept} (400) is not
 * a media type at all ({@code Content-Type: json}), so no handler meets a header it cannot parse.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2) // after the request id and the access log
public class MediaTypeHeaders implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        List<String> contentType = headers.getOrEmpty(HttpHeaders.CONTENT_TYPE);
        if (!contentType.isEmpty() && !parses(contentType, false)) {
            return Mono.error(ApiException.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "invalid_request_error", null,
                    "unsupported_media_type", "Content-Type must be a media type such as application/json."));
        }
        List<String> accept = headers.getOrEmpty(HttpHeaders.ACCEPT);
        if (!accept.isEmpty() && !parses(accept, true)) {
            return Mono.error(ApiException.invalid("Accept", "invalid_header",
                    "Accept must list media types such as application/json."));
        }
        return chain.filter(exchange);
    }

    private static boolean parses(List<String> values, boolean list) {
        try {
            if (list) {
                MediaType.parseMediaTypes(values);
            } else if (values.size() == 1) {
                MediaType.parseMediaType(values.get(0));
            } else {
                return false;
            }
            return true;
        } catch (IllegalArgumentException e) { // InvalidMediaTypeException among them
            return false;
        }
    }
}
