package io.modelgateway.gateway.forwarding.internal;

import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * A 200 with a JSON body already encoded: the bytes are written as they are, with their length, without the
 * search through WebFlux's message writers that {@code bodyValue} makes for every answer.
 */
public final class JsonAnswers {

    private JsonAnswers() {}

    public static Mono<ServerResponse> ok(byte[] json) {
        BodyInserter<byte[], ReactiveHttpOutputMessage> bytes = (message, context) ->
                message.writeWith(Mono.just(message.bufferFactory().wrap(json)));
        return ServerResponse.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .contentLength(json.length)
                .body(bytes);
    }
}
