package io.modelgateway.gateway.forwarding;

import io.modelgateway.gateway.edge.RequestTimers;
import io.modelgateway.gateway.edge.error.OpenAiErrors;
import io.modelgateway.gateway.forwarding.internal.Calls;
import io.modelgateway.gateway.forwarding.internal.FirstContentFlush;
import io.modelgateway.gateway.forwarding.internal.Generation;
import io.modelgateway.gateway.forwarding.internal.GenerationWriter;
import io.modelgateway.gateway.forwarding.internal.JsonAnswers;
import io.modelgateway.gateway.pipeline.AnswerTally;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.OutputFilter;
import io.modelgateway.gateway.pipeline.Pipeline;
import io.modelgateway.inference.GenerationCall;
import io.modelgateway.inference.GenerationListener;
import io.modelgateway.inference.GenerationRequest;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.TokenUsage;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Runs a validated generation through the call pipeline and on its backend, and answers in OpenAI's
 * shape: one JSON document, or an SSE stream relayed token by token. A client that goes away cancels the
 * backend request. Failures before the first byte are ordinary error responses; after it, the stream ends
 * with an error event. Every way a call ends reaches the pipeline once, with the tokens it consumed.
 * Generated text passes through the call's {@link OutputFilter} (content rules); when it stops the
 * answer, the backend request is cancelled and the answer ends with {@code finish_reason: "content_filter"}.
 */
@Component
public class GenerationHandler {

    private static final MediaType EVENT_STREAM = MediaType.TEXT_EVENT_STREAM;
    private static final String CONTENT_FILTER = "content_filter";

    private final Clock clock;
    private final Pipeline pipeline;
    private final RequestTimers timers;

    public GenerationHandler(Clock clock, Pipeline pipeline, RequestTimers timers) {
        this.clock = clock;
        this.pipeline = pipeline;
        this.timers = timers;
    }

    public Mono<ServerResponse> handle(ServerRequest request, Generation gen) {
        Call call = Calls.generation(request.exchange(), gen, clock);
        String requestId = call.requestId();
        return pipeline.admit(call).then(Mono.defer(() -> {
            GenerationWriter writer = new GenerationWriter(
                    gen, requestId, clock.millis() / 1000, call.promptFilterResults(), call.outputFilter());
            GenerationRequest backendRequest = new GenerationRequest(
                    requestId,
                    gen.deployment().model(),
                    call.prompts().get(0),
                    call.maxTokens(),
                    gen.stream(),
                    gen.sampling());
            AnswerTally tracker = new AnswerTally(pipeline, call, clock);
            Scheduler timer = timers.of(request.exchange());
            return gen.stream()
                    ? stream(request, gen, call, backendRequest, writer, tracker, timer)
                    : whole(gen, call, backendRequest, writer, tracker, timer);
        }));
    }

    private Mono<ServerResponse> whole(
            Generation gen,
            Call call,
            GenerationRequest backendRequest,
            GenerationWriter writer,
            AnswerTally tracker,
            Scheduler timer) {
        Backend backend = new Backend();
        Mono<byte[]> body = Mono.<byte[]>create(sink -> {
                    StringBuilder text = new StringBuilder();
                    OutputFilter filter = call.outputFilter();
                    call.markForwarded();
                    backend.set(gen.deployment()
                            .backend()
                            .generate(backendRequest, gen.deployment().tokens(), new GenerationListener() {
                                @Override
                                public void onPromptTokens(int promptTokens) {
                                    tracker.promptTokens(promptTokens);
                                }

                                @Override
                                public void onDelta(String delta, int outputTokens) {
                                    if (filter.stopped()) {
                                        return;
                                    }
                                    tracker.delta(delta, outputTokens);
                                    text.append(filter.accept(delta));
                                    if (filter.stopped()) {
                                        backend.cancel("content filter");
                                        if (backend.reported()) {
                                            return;
                                        }
                                        sink.success(
                                                writer.complete(text.toString(), CONTENT_FILTER, tracker.usageSoFar()));
                                    }
                                }

                                @Override
                                public void onComplete(String finishReason, TokenUsage usage) {
                                    if (filter.stopped()) {
                                        return;
                                    }
                                    tracker.finished(usage);
                                    if (backend.reported()) {
                                        return; // the client had gone: billed for the whole answer, as it was produced
                                    }
                                    text.append(filter.finish());
                                    sink.success(writer.complete(
                                            text.toString(), filter.stopped() ? CONTENT_FILTER : finishReason, usage));
                                }

                                @Override
                                public void onError(InferenceException error, TokenUsage usageSoFar) {
                                    if (backend.abandoned()) {
                                        tracker.failed(error, false);
                                    } else if (!filter.stopped()) {
                                        sink.error(error);
                                    }
                                }
                            }));
                    // A client that leaves does not stop the answer: it is read to its usage (bounded by the backend's
                    // timeouts) and billed, as a non-streamed answer's tokens are only known at its end.
                    sink.onCancel(() -> backend.clientGone(tracker::cancelled));
                })
                .timeout(gen.deployment().requestTimeout(), timer);
        return body.doOnError(e -> {
                    backend.cancel("request failed"); // a timeout: the backend is not followed any further
                    tracker.failed(e, false);
                })
                .doOnCancel(() -> endIfFinished(tracker))
                .flatMap(json -> tracker.complete() // the record is durable before the body is written
                        .then(JsonAnswers.ok(json)));
    }

    private Mono<ServerResponse> stream(
            ServerRequest request,
            Generation gen,
            Call call,
            GenerationRequest backendRequest,
            GenerationWriter writer,
            AnswerTally tracker,
            Scheduler timer) {
        AtomicBoolean started = new AtomicBoolean();
        Backend backend = new Backend();
        FirstContentFlush first = new FirstContentFlush();
        Flux<byte[]> events = Flux.<byte[]>create(
                        sink -> relay(sink, gen, call, backendRequest, writer, started, first, tracker, backend),
                        FluxSink.OverflowStrategy.BUFFER)
                .timeout(
                        Mono.delay(gen.deployment().firstTokenTimeout(), timer),
                        item -> Mono.delay(gen.deployment().idleTimeout(), timer))
                .concatWith(Mono.defer(tracker::complete).thenReturn(GenerationWriter.DONE)) // durable first
                .doOnError(e -> {
                    backend.cancel("request failed");
                    tracker.failed(e, started.get());
                })
                .doOnCancel(() -> endIfFinished(tracker))
                .onErrorResume(e -> started.get()
                        ? Flux.just(GenerationWriter.errorEvent(OpenAiErrors.classify(e)))
                        : Flux.error(e));
        DataBufferFactory buffers = request.exchange().getResponse().bufferFactory();
        Flux<Flux<DataBuffer>> flushed = first.groups(events, buffers); // the first token leaves at once
        return ServerResponse.ok()
                .contentType(EVENT_STREAM)
                .header("Cache-Control", "no-cache")
                .body((response, context) -> response.writeAndFlushWith(flushed));
    }

    private static void relay(
            FluxSink<byte[]> sink,
            Generation gen,
            Call call,
            GenerationRequest backendRequest,
            GenerationWriter writer,
            AtomicBoolean started,
            FirstContentFlush first,
            AnswerTally tracker,
            Backend backend) {
        OutputFilter filter = call.outputFilter();
        call.markForwarded();
        backend.set(gen.deployment()
                .backend()
                .generate(backendRequest, gen.deployment().tokens(), new GenerationListener() {
                    @Override
                    public void onPromptTokens(int promptTokens) {
                        tracker.promptTokens(promptTokens); // the delta it came with ends a call the client left
                    }

                    @Override
                    public void onDelta(String text, int outputTokens) {
                        if (filter.stopped()) {
                            return;
                        }
                        tracker.delta(text, outputTokens);
                        if (backend.reported()) {
                            return; // the client had gone: cancelled now, billed for the prompt and this delta
                        }
                        start();
                        send(filter.accept(text));
                        if (filter.stopped()) {
                            backend.cancel("content filter");
                            end(CONTENT_FILTER, tracker.usageSoFar());
                        }
                    }

                    @Override
                    public void onComplete(String finishReason, TokenUsage usage) {
                        if (filter.stopped()) {
                            return;
                        }
                        tracker.finished(usage);
                        if (backend.reported()) {
                            return;
                        }
                        start();
                        send(filter.finish());
                        end(filter.stopped() ? CONTENT_FILTER : finishReason, usage);
                    }

                    @Override
                    public void onError(InferenceException error, TokenUsage usageSoFar) {
                        if (backend.abandoned()) {
                            tracker.failed(error, started.get());
                        } else if (!filter.stopped()) {
                            sink.error(error);
                        }
                    }

                    private void send(String text) {
                        if (!text.isEmpty()) {
                            sink.next(first.content(writer.deltaChunk(text)));
                        }
                    }

                    private void end(String finishReason, TokenUsage usage) {
                        sink.next(writer.finishChunk(finishReason));
                        if (gen.includeUsage()) {
                            sink.next(writer.usageChunk(usage));
                        }
                        sink.complete(); // [DONE] follows once the usage record is durable
                    }

                    private void start() {
                        if (started.compareAndSet(false, true)) {
                            if (writer.hasPromptResults()) {
                                sink.next(writer.promptChunk());
                            }
                            if (gen.chat()) {
                                sink.next(writer.roleChunk());
                            }
                        }
                    }
                }));
        // A client that leaves before the backend's first response is followed until that response (bounded by
        // the first-token timeout): it carries the prompt's token count, which the call is billed for.
        sink.onCancel(() -> backend.clientGone(tracker::cancelled));
    }

    /**
     * The client left after the backend had finished (while the answer's end waited to be sent): billed with the
     * backend's usage. Before that, the backend's listener ends the call (see {@link Backend#clientGone}).
     */
    private static void endIfFinished(AnswerTally tracker) {
        if (tracker.hasFinalUsage()) {
            tracker.cancelled();
        }
    }

    /**
     * The backend request, which a listener may cancel before {@code generate} has returned it, and the client's
     * leaving: a call the client left is cancelled (and ended by the given action) as soon as the backend has
     * reported something (its prompt's tokens, a delta, its end), so it is billed with the backend's counts.
     */
    private static final class Backend {

        private GenerationCall call;
        private String cancelled;
        private boolean reported;
        private Runnable leave;

        /** The client went away: ends the call now when the backend has reported, else at its next report. */
        void clientGone(Runnable end) {
            boolean now;
            synchronized (this) {
                now = reported;
                if (!now) {
                    leave = end;
                }
            }
            if (now) {
                cancel("client went away");
                end.run();
            }
        }

        /** The backend reported; returns true when the client had gone (the call is then cancelled and ended). */
        boolean reported() {
            Runnable end;
            synchronized (this) {
                reported = true;
                end = leave;
                leave = null;
            }
            if (end == null) {
                return false;
            }
            cancel("client went away");
            end.run();
            return true;
        }

        /** The backend failed: returns true when the client had gone (nobody else will end the call). */
        synchronized boolean abandoned() {
            boolean gone = leave != null;
            leave = null;
            return gone;
        }

        synchronized void set(GenerationCall c) {
            call = c;
            if (cancelled != null) {
                c.cancel(cancelled);
            }
        }

        synchronized void cancel(String reason) {
            if (call != null) {
                call.cancel(reason);
            } else if (cancelled == null) {
                cancelled = reason;
            }
        }
    }
}
