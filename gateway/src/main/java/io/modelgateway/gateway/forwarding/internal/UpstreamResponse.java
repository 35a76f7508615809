package io.modelgateway.gateway.forwarding.internal;

import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.edge.error.OpenAiErrors;
import io.modelgateway.gateway.edge.json.Json;
import io.modelgateway.gateway.pipeline.AnswerTally;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.OutputFilter;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.TokenUsage;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The client's response while Spring Cloud Gateway relays an upstream's answer into it: reads the usage (the
 * upstream's {@code usage}, or tokens counted here), drops the usage-only chunk the gateway asked for when the
 * client did not, keeps the gateway's own headers, ends a stream that breaks with an OpenAI-shaped error
 * event, and ends the call in the pipeline once. Overrides both {@code writeWith} (JSON answers) and
 * {@code writeAndFlushWith} (SSE, which SCG flushes event by event).
 */
public final class UpstreamResponse extends ServerHttpResponseDecorator {

    private static final List<String> UPSTREAM_ONLY = List.of("x-ratelimit-", "openai-", "set-cookie", "x-request-id");

    private final Call call;
    private final AnswerTally tracker;
    private final boolean includeUsage;
    private final Duration idleTimeout;
    private final Duration requestTimeout;
    private final HttpHeaders ours;
    private volatile boolean clientGone;

    public UpstreamResponse(
            ServerHttpResponse delegate,
            Call call,
            AnswerTally tracker,
            boolean includeUsage,
            Duration idleTimeout,
            Duration requestTimeout) {
        super(delegate);
        this.call = call;
        this.tracker = tracker;
        this.includeUsage = includeUsage;
        this.idleTimeout = idleTimeout;
        this.requestTimeout = requestTimeout;
        this.ours = new HttpHeaders();
        delegate.getHeaders().forEach(this.ours::put);
    }

    /**
     * The client went away while a non-streamed answer was on its way: the answer is still read to its usage
     * (bounded by the deployment's request timeout) and the call billed with it, as cut short.
     */
    public void clientGone() {
        clientGone = true;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        restoreHeaders();
        return DataBufferUtils.join(body)
                .timeout(requestTimeout)
                .defaultIfEmpty(bufferFactory().wrap(new byte[0]))
                .flatMap(joined -> {
                    byte[] bytes = new byte[joined.readableByteCount()];
                    joined.read(bytes);
                    DataBufferUtils.release(joined);
                    byte[] out = whole(bytes);
                    getHeaders().setContentLength(out.length);
                    Mono<Void> recorded = clientGone ? Mono.fromRunnable(tracker::cancelled) : tracker.complete();
                    return recorded.then(
                            super.writeWith(Mono.just(bufferFactory().wrap(out)))); // durable first
                })
                .doOnError(e -> tracker.failed(e, false));
    }

    private byte[] whole(byte[] bytes) {
        HttpStatusCode status = getStatusCode();
        int code = status == null ? 200 : status.value();
        if (code == 401 || code == 403) {
            // The gateway's upstream key was refused: our configuration, not the caller's key.
            ApiException e = ApiException.of(
                    HttpStatus.BAD_GATEWAY,
                    "server_error",
                    null,
                    "backend_error",
                    "The model backend refused the gateway's credentials.");
            return fail(e, e.status());
        }
        if (code >= 400) {
            tracker.failed(
                    ApiException.of(
                            HttpStatus.valueOf(code),
                            code < 500 ? "invalid_request_error" : "server_error",
                            null,
                            "upstream_" + code,
                            "upstream answered " + code),
                    false);
            return bytes;
        }
        try {
            JsonNode json = Json.parse(bytes);
            tracker.finished(UpstreamUsage.ofWhole(
                    json, call.promptTokens(), call.deployment().tokens()));
            return filtered(json, bytes);
        } catch (ApiException e) {
            return fail(
                    ApiException.of(
                            HttpStatus.BAD_GATEWAY,
                            "server_error",
                            null,
                            "backend_error",
                            "The model backend sent an answer that is not JSON."),
                    HttpStatus.BAD_GATEWAY);
        }
    }

    /** The answer with its text passed through the call's output filter (content rules); unchanged without. */
    private byte[] filtered(JsonNode json, byte[] bytes) {
        OutputFilter filter = call.outputFilter();
        if (filter == OutputFilter.NONE || !(UpstreamUsage.firstChoice(json) instanceof ObjectNode choice)) {
            return bytes;
        }
        String text = UpstreamUsage.choiceText(choice);
        String out = filter.accept(text);
        out = filter.stopped() ? out : out + filter.finish();
        UpstreamUsage.replaceText(choice, out);
        if (filter.stopped()) {
            choice.put("finish_reason", "content_filter");
        }
        annotate(choice, filter);
        return Json.write(g -> g.writeTree(json));
    }

    private static void annotate(ObjectNode choice, OutputFilter filter) {
        Map<String, Object> results = filter.results();
        if (results != null) {
            choice.set("content_filter_results", Json.tree(results));
        }
    }

    private byte[] fail(ApiException e, HttpStatus status) {
        tracker.failed(e, false);
        setStatusCode(status);
        getHeaders().remove(HttpHeaders.CONTENT_LENGTH);
        return Json.write(g -> OpenAiErrors.write(g, e));
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
        restoreHeaders();
        getHeaders().remove(HttpHeaders.CONTENT_LENGTH);
        StreamRelay relay = new StreamRelay();
        Flux<byte[]> events = Flux.from(body)
                .concatMap(Flux::from)
                .timeout(idleTimeout)
                .concatMapIterable(relay::events)
                .takeUntil(b -> relay.stopped) // a content rule stopped the answer: the upstream is cancelled
                .concatWith(Mono.defer(relay::ended))
                .onErrorResume(relay::broke)
                .doOnCancel(tracker::cancelled);
        return super.writeAndFlushWith(events.map(b -> Mono.just(bufferFactory().wrap(b))));
    }

    /**
     * What the relay of one stream knows: whether anything was sent, and the upstream's usage. Each chunk's text
     * passes through the call's output filter (which may hold back a bounded tail to redact a match split across
     * chunks, released on the finish chunk); the upstream's {@code [DONE]} is replaced by the gateway's, sent
     * once the usage record is durable.
     */
    private final class StreamRelay {

        private final SseEvents splitter = new SseEvents();
        private final OutputFilter filter = call.outputFilter();
        private volatile boolean started;
        private volatile boolean stopped;
        private TokenUsage usage;
        private JsonNode lastChunk;

        List<byte[]> events(DataBuffer buffer) {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            DataBufferUtils.release(buffer);
            return splitter.feed(bytes).stream()
                    .map(this::event)
                    .filter(b -> b != null)
                    .toList();
        }

        private byte[] event(SseEvents.Event e) {
            if (stopped || "[DONE]".equals(e.data())) {
                return null;
            }
            if (e.data() != null && e.data().startsWith("{")) {
                JsonNode json = Json.parse(e.data().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                TokenUsage u = UpstreamUsage.usage(json);
                if (u != null) {
                    usage = u;
                }
                String text = UpstreamUsage.text(json);
                if (!text.isEmpty()) {
                    tracker.delta(text, 0);
                }
                if (!includeUsage && UpstreamUsage.usageOnly(json)) {
                    return null;
                }
                lastChunk = json;
                if (filter != OutputFilter.NONE && UpstreamUsage.firstChoice(json) instanceof ObjectNode choice) {
                    started = true;
                    return filtered(json, choice, text);
                }
            }
            started = true;
            return e.bytes();
        }

        /** The chunk with its text filtered; on the finish chunk (or when a rule stops) the held-back rest too. */
        private byte[] filtered(JsonNode json, ObjectNode choice, String text) {
            String out = filter.accept(text);
            boolean finishing = choice.hasNonNull("finish_reason");
            if (finishing && !filter.stopped()) {
                out += filter.finish();
            }
            if (filter.stopped()) {
                stopped = true;
                choice.put("finish_reason", "content_filter");
            }
            if (!out.isEmpty() || UpstreamUsage.hasText(choice)) {
                UpstreamUsage.replaceText(choice, out);
            }
            if (finishing || stopped) {
                annotate(choice, filter);
            }
            return SseEvents.data(Json.write(g -> g.writeTree(json)));
        }

        /** The upstream ended (or a rule stopped it): the usage chunk when the stop cut it off, then [DONE]. */
        Mono<byte[]> ended() {
            if (usage != null) {
                tracker.finished(usage);
            }
            Flux<byte[]> usageChunk = stopped && includeUsage && lastChunk != null
                    ? Flux.just(SseEvents.data(UpstreamUsage.usageChunk(lastChunk, tracker.usageSoFar())))
                    : Flux.empty();
            return usageChunk
                    .concatWith(tracker.complete().thenReturn(GenerationWriter.DONE))
                    .collectList()
                    .map(UpstreamResponse::concat);
        }

        Flux<byte[]> broke(Throwable error) {
            Throwable e = error instanceof ApiException || error instanceof TimeoutException
                    ? error
                    : InferenceException.of(
                            InferenceException.Kind.BACKEND_ERROR,
                            call.requestId(),
                            "upstream stream broke: " + error,
                            error);
            tracker.failed(e, started);
            return started ? Flux.just(GenerationWriter.errorEvent(OpenAiErrors.classify(e))) : Flux.error(e);
        }
    }

    private static byte[] concat(List<byte[]> parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** Upstream headers must not replace the gateway's (request id, rate limits) nor leak the provider's own. */
    private void restoreHeaders() {
        HttpHeaders headers = getHeaders();
        for (String name : List.copyOf(headers.headerNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!ours.containsHeader(name) && UPSTREAM_ONLY.stream().anyMatch(lower::startsWith)) {
                headers.remove(name);
            }
        }
        ours.forEach(headers::put);
    }
}
