package io.modelgateway.gateway.edge;

import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.edge.error.OpenAiErrors;
import io.modelgateway.gateway.edge.json.Json;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Refuses a request whose {@code Content-Type} (415) or {@code Accept} (400) is not a media type at all
 * ({@code Content-Type: json}) before WebFlux sees it: WebFlux parses the content type while it builds the
 * exchange, and some values ({@code "/}) fail there with an exception that would reset the connection.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE) // innermost: it answers itself, through the event-loop decorator
public class MediaTypeHeaders implements HttpHandlerDecoratorFactory {

    private final Clock clock;

    public MediaTypeHeaders(Clock clock) {
        this.clock = clock;
    }

    @Override
    public HttpHandler apply(HttpHandler handler) {
        return (request, response) -> {
            ApiException refused = refusal(request.getHeaders());
            return refused == null ? handler.handle(request, response) : refuse(response, refused);
        };
    }

    static ApiException refusal(HttpHeaders headers) {
        List<String> contentType = headers.getOrEmpty(HttpHeaders.CONTENT_TYPE);
        if (!contentType.isEmpty() && !parses(contentType, false)) {
            return ApiException.of(
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "invalid_request_error",
                    null,
                    "unsupported_media_type",
                    "Content-Type must be a media type such as application/json.");
        }
        List<String> accept = headers.getOrEmpty(HttpHeaders.ACCEPT);
        if (!accept.isEmpty() && !parses(accept, true)) {
            return ApiException.invalid(
                    "Accept", "invalid_header", "Accept must list media types such as application/json.");
        }
        return null;
    }

    private Mono<Void> refuse(ServerHttpResponse response, ApiException e) {
        byte[] body = Json.write(g -> OpenAiErrors.write(g, e));
        response.setStatusCode(e.status());
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().set(RequestIdFilter.HEADER, RequestIds.next(clock).toString());
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    /** Values clients send on almost every call: known to parse, so not parsed again per request. */
    private static final Set<String> COMMON =
            Set.of("application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8", "*/*");

    private static boolean parses(List<String> values, boolean list) {
        if (values.size() == 1 && COMMON.contains(values.get(0))) {
            return true;
        }
        try {
            if (list) {
                MediaType.parseMediaTypes(values);
            } else if (values.size() == 1) {
                MediaType.parseMediaType(values.get(0));
            } else {
                return false;
            }
            return true;
        } catch (RuntimeException e) { // InvalidMediaTypeException, and Spring 7.0's own slips (a leading '"')
            return false;
        }
    }
}
