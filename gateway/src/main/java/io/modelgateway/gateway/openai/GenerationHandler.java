package io.modelgateway.gateway.openai;

import io.modelgateway.gateway.error.OpenAiErrors;
import io.modelgateway.gateway.openai.internal.Generation;
import io.modelgateway.gateway.openai.internal.GenerationWriter;
import io.modelgateway.gateway.web.RequestIdFilter;
import io.modelgateway.inference.GenerationCall;
import io.modelgateway.inference.GenerationListener;
import io.modelgateway.inference.GenerationRequest;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.TokenUsage;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * Runs a validated generation on its backend and answers in OpenAI's shape: one JSON document, or an
 * SSE stream relayed token by token. A client that goes away cancels the backend request. Failures
 * before the first byte are ordinary error responses; after it, the stream ends with an error event.
 */
@Component
public class GenerationHandler {

    private static final MediaType EVENT_STREAM = MediaType.TEXT_EVENT_STREAM;

    private final Clock clock;

    public GenerationHandler(Clock clock) {
        this.clock = clock;
    }

    public Mono<ServerResponse> handle(ServerRequest request, Generation gen) {
        String requestId = RequestIdFilter.of(request.exchange());
        GenerationWriter writer = new GenerationWriter(gen, requestId, clock.millis() / 1000);
        GenerationRequest backendRequest = new GenerationRequest(requestId, gen.deployment().model(), gen.prompt(),
                gen.maxTokens(), gen.stream(), gen.sampling());
        return gen.stream() ? stream(request, gen, backendRequest, writer) : whole(gen, backendRequest, writer);
    }

    private Mono<ServerResponse> whole(Generation gen, GenerationRequest backendRequest, GenerationWriter writer) {
        Mono<byte[]> body = Mono.<byte[]>create(sink -> {
            StringBuilder text = new StringBuilder();
            GenerationCall call = gen.deployment().backend().generate(backendRequest, gen.deployment().tokens(),
                    new GenerationListener() {
                        @Override
                        public void onDelta(String delta, int outputTokens) {
                            text.append(delta);
                        }

                        @Override
                        public void onComplete(String finishReason, TokenUsage usage) {
                            sink.success(writer.complete(text.toString(), finishReason, usage));
                        }

                        @Override
                        public void onError(InferenceException error, TokenUsage usageSoFar) {
                            sink.error(error);
                        }
                    });
            sink.onCancel(() -> call.cancel("client went away"));
        }).timeout(gen.deployment().requestTimeout());
        return body.flatMap(json -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(json));
    }

    private Mono<ServerResponse> stream(ServerRequest request, Generation gen, GenerationRequest backendRequest,
            GenerationWriter writer) {
        AtomicBoolean started = new AtomicBoolean();
        Flux<byte[]> events = Flux.<byte[]>create(sink -> relay(sink, gen, backendRequest, writer, started),
                        FluxSink.OverflowStrategy.BUFFER)
                .timeout(Mono.delay(gen.deployment().firstTokenTimeout()),
                        item -> Mono.delay(gen.deployment().idleTimeout()))
                .onErrorResume(e -> started.get()
                        ? Flux.just(GenerationWriter.errorEvent(OpenAiErrors.classify(e)))
                        : Flux.error(e));
        DataBufferFactory buffers = request.exchange().getResponse().bufferFactory();
        return ServerResponse.ok()
                .contentType(EVENT_STREAM)
                .header("Cache-Control", "no-cache")
                .body(BodyInserters.fromDataBuffers(events.map(buffers::wrap)));
    }

    private static void relay(FluxSink<byte[]> sink, Generation gen, GenerationRequest backendRequest,
            GenerationWriter writer, AtomicBoolean started) {
        GenerationCall call = gen.deployment().backend().generate(backendRequest, gen.deployment().tokens(),
                new GenerationListener() {
                    @Override
                    public void onDelta(String text, int outputTokens) {
                        start();
                        sink.next(writer.deltaChunk(text));
                    }

                    @Override
                    public void onComplete(String finishReason, TokenUsage usage) {
                        start();
                        sink.next(writer.finishChunk(finishReason));
                        if (gen.includeUsage()) {
                            sink.next(writer.usageChunk(usage));
                        }
                        sink.next(GenerationWriter.DONE);
                        sink.complete();
                    }

                    @Override
                    public void onError(InferenceException error, TokenUsage usageSoFar) {
                        sink.error(error);
                    }

                    private void start() {
                        if (started.compareAndSet(false, true) && gen.chat()) {
                            sink.next(writer.roleChunk());
                        }
                    }
                });
        sink.onCancel(() -> call.cancel("client went away"));
    }
}
