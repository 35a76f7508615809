package io.modelgateway.gateway.edge.json;

import io.modelgateway.gateway.edge.error.ApiException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Reads a JSON request body under a size cap (checked before and while reading), then parses it. The body is
 * held whole once: the received buffers joined without copying (a composite over Netty's own buffers), parsed
 * straight from them into the tree, and released.
 */
public final class Bodies {

    private Bodies() {}

    /** Exchange attribute: the request body's size in bytes, once read. */
    public static final String SIZE = Bodies.class.getName() + ".size";

    /** The size of the request body read by {@link #json}, or 0. */
    public static int size(org.springframework.web.server.ServerWebExchange exchange) {
        Integer size = exchange.getAttribute(SIZE);
        return size == null ? 0 : size;
    }

    public static Mono<JsonNode> json(ServerRequest request, long maxBytes) {
        long declared = request.headers().asHttpHeaders().getContentLength();
        if (declared > maxBytes) {
            return Mono.error(ApiException.tooLarge(maxBytes));
        }
        MediaType type = request.headers().contentType().orElse(MediaType.APPLICATION_JSON);
        if (!type.isCompatibleWith(MediaType.APPLICATION_JSON)) {
            return Mono.error(ApiException.of(
                    org.springframework.http.HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "invalid_request_error",
                    null,
                    "unsupported_media_type",
                    "Content-Type must be application/json, not " + type + "."));
        }
        return DataBufferUtils.join(
                        request.exchange().getRequest().getBody(), (int) Math.min(maxBytes, Integer.MAX_VALUE))
                .onErrorMap(
                        org.springframework.core.io.buffer.DataBufferLimitException.class,
                        e -> ApiException.tooLarge(maxBytes))
                .map(buffer -> parse(request, buffer))
                .switchIfEmpty(Mono.fromSupplier(() -> Json.parse(new byte[0])));
    }

    private static JsonNode parse(ServerRequest request, DataBuffer buffer) {
        try {
            int size = buffer.readableByteCount();
            request.exchange().getAttributes().put(SIZE, size);
            return Json.parse(buffer.asInputStream(), size);
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
