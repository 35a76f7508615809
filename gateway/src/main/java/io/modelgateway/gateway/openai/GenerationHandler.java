package io.modelgateway.gateway.openai;

import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.error.OpenAiErrors;
import io.modelgateway.gateway.openai.internal.Bodies;
import io.modelgateway.gateway.openai.internal.Generation;
import io.modelgateway.gateway.openai.internal.GenerationWriter;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.Operation;
import io.modelgateway.gateway.pipeline.Pipeline;
import io.modelgateway.gateway.pipeline.UsageTracker;
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
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * Runs a validated generation through the call pipeline and on its backend, and answers in OpenAI's
 * shape: one JSON document, or an SSE stream relayed token by token. A client that goes away cancels the
 * backend request. Failures before the first byte are ordinary error responses; after it, the stream ends
 * with an error event. Every way a call ends reaches the pipeline once, with the tokens it consumed.
 */
@Component
public class GenerationHandler {

    private static final MediaType EVENT_STREAM = MediaType.TEXT_EVENT_STREAM;

    private final Clock clock;
    private final Pipeline pipeline;

    public GenerationHandler(Clock clock, Pipeline pipeline) {
        this.clock = clock;
        this.pipeline = pipeline;
    }

    public Mono<ServerResponse> handle(ServerRequest request, Generation gen) {
        ServerWebExchange exchange = request.exchange();
        String requestId = RequestIdFilter.of(exchange);
        Call call = new Call(requestId, Caller.of(exchange), gen.deployment(),
                gen.chat() ? Operation.CHAT : Operation.COMPLETION, gen.stream(),
                gen.deployment().tokens().count(gen.prompt()), gen.maxTokens(), Bodies.size(exchange),
                clock.instant(), exchange.getResponse().getHeaders());
        return pipeline.admit(call).then(Mono.defer(() -> {
            GenerationWriter writer = new GenerationWriter(gen, requestId, clock.millis() / 1000);
            GenerationRequest backendRequest = new GenerationRequest(requestId, gen.deployment().model(),
                    gen.prompt(), call.maxTokens(), gen.stream(), gen.sampling());
            UsageTracker tracker = new UsageTracker(pipeline, call, clock);
            return gen.stream()
                    ? stream(request, gen, call, backendRequest, writer, tracker)
                    : whole(gen, call, backendRequest, writer, tracker);
        }));
    }

    private Mono<ServerResponse> whole(Generation gen, Call call, GenerationRequest backendRequest,
            GenerationWriter writer, UsageTracker tracker) {
        Mono<byte[]> body = Mono.<byte[]>create(sink -> {
            StringBuilder text = new StringBuilder();
            call.markForwarded();
            GenerationCall backendCall = gen.deployment().backend().generate(backendRequest,
                    gen.deployment().tokens(), new GenerationListener() {
                        @Override
                        public void onDelta(String delta, int outputTokens) {
                            tracker.delta(delta, outputTokens);
                            text.append(delta);
                        }

                        @Override
                        public void onComplete(String finishReason, TokenUsage usage) {
                            tracker.finished(usage);
                            sink.success(writer.complete(text.toString(), finishReason, usage));
                        }

                        @Override
                        public void onError(InferenceException error, TokenUsage usageSoFar) {
                            sink.error(error);
                        }
                    });
            sink.onCancel(() -> backendCall.cancel("client went away"));
        }).timeout(gen.deployment().requestTimeout());
        return body
                .doOnError(e -> tracker.failed(e, false))
                .doOnCancel(tracker::cancelled)
                .flatMap(json -> tracker.complete() // the record is durable before the body is written
                        .then(ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(json)));
    }

    private Mono<ServerResponse> stream(ServerRequest request, Generation gen, Call call,
            GenerationRequest backendRequest, GenerationWriter writer, UsageTracker tracker) {
        AtomicBoolean started = new AtomicBoolean();
        Flux<byte[]> events = Flux.<byte[]>create(sink -> relay(sink, gen, call, backendRequest, writer, started,
                        tracker), FluxSink.OverflowStrategy.BUFFER)
                .timeout(Mono.delay(gen.deployment().firstTokenTimeout()),
                        item -> Mono.delay(gen.deployment().idleTimeout()))
                .concatWith(Mono.defer(tracker::complete).thenReturn(GenerationWriter.DONE)) // durable first
                .doOnError(e -> tracker.failed(e, started.get()))
                .doOnCancel(tracker::cancelled)
                .onErrorResume(e -> started.get()
                        ? Flux.just(GenerationWriter.errorEvent(OpenAiErrors.classify(e)))
                        : Flux.error(e));
        DataBufferFactory buffers = request.exchange().getResponse().bufferFactory();
        return ServerResponse.ok()
                .contentType(EVENT_STREAM)
                .header("Cache-Control", "no-cache")
                .body(BodyInserters.fromDataBuffers(events.map(buffers::wrap)));
    }

    private static void relay(FluxSink<byte[]> sink, Generation gen, Call call, GenerationRequest backendRequest,
            GenerationWriter writer, AtomicBoolean started, UsageTracker tracker) {
        call.markForwarded();
        GenerationCall backendCall = gen.deployment().backend().generate(backendRequest, gen.deployment().tokens(),
                new GenerationListener() {
                    @Override
                    public void onDelta(String text, int outputTokens) {
                        tracker.delta(text, outputTokens);
                        start();
                        sink.next(writer.deltaChunk(text));
                    }

                    @Override
                    public void onComplete(String finishReason, TokenUsage usage) {
                        tracker.finished(usage);
                        start();
                        sink.next(writer.finishChunk(finishReason));
                        if (gen.includeUsage()) {
                            sink.next(writer.usageChunk(usage));
                        }
                        sink.complete(); // [DONE] follows once the usage record is durable
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
        sink.onCancel(() -> backendCall.cancel("client went away"));
    }
}
