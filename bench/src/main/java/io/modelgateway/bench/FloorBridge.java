package io.modelgateway.bench;

import io.modelgateway.inference.ChatMessage;
import io.modelgateway.inference.ChatTemplate;
import io.modelgateway.inference.GenerationListener;
import io.modelgateway.inference.GenerationRequest;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.TokenUsage;
import io.modelgateway.inference.TritonClient;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * The floor: a minimal OpenAI-to-Triton bridge doing only the work no gateway can avoid, run as its own JVM
 * so its CPU per call is measured like the gateway's. Reactor Netty HTTP server; the body parsed once with
 * Jackson's streaming parser (model, messages, max_tokens, stream); the 'plain' chat template; one
 * {@code ModelStreamInfer} call through the gateway's own {@link TritonClient} (direct executor: callbacks
 * on the gRPC transport threads); the answer written with Jackson's streaming generator, as one JSON body
 * or as SSE chunks. No authentication, quotas, credits, usage records, metrics or logs.
 *
 * <p>{@code java -cp bench/target/bench.jar io.modelgateway.bench.FloorBridge PORT BACKEND_HOST:PORT}
 */
public final class FloorBridge implements AutoCloseable {

    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final AtomicLong SEQ = new AtomicLong();

    private final TritonClient triton;
    private final ChatTemplate template = ChatTemplate.named("plain");
    private final DisposableServer server;

    FloorBridge(int port, String backend) {
        this.triton = TritonClient.connect(backend);
        this.server = HttpServer.create()
                .host("127.0.0.1")
                .port(port)
                .route(r -> r.post(
                        "/v1/chat/completions",
                        (req, res) -> req.receive().aggregate().asByteArray().flatMap(body -> handle(body, res))))
                .bindNow();
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: FloorBridge PORT BACKEND_HOST:PORT");
            System.exit(2);
        }
        FloorBridge bridge = new FloorBridge(Integer.parseInt(args[0]), args[1]);
        System.out.println("floor bridge listening on " + bridge.url());
        new CountDownLatch(1).await();
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    record Parsed(String model, List<ChatMessage> messages, int maxTokens, boolean stream) {}

    private Mono<Void> handle(byte[] body, HttpServerResponse res) {
        Parsed p;
        try {
            p = parse(body);
        } catch (RuntimeException e) {
            return res.status(HttpResponseStatus.BAD_REQUEST)
                    .sendString(Mono.just("{\"error\":\"bad body\"}"))
                    .then();
        }
        String id = "chatcmpl-floor-" + SEQ.incrementAndGet();
        GenerationRequest request = new GenerationRequest(
                id, p.model(), template.render(p.messages(), true), p.maxTokens(), p.stream(), Map.of());
        return p.stream() ? stream(id, p.model(), request, res) : whole(id, p.model(), request, res);
    }

    private Mono<Void> whole(String id, String model, GenerationRequest request, HttpServerResponse res) {
        Sinks.One<byte[]> answer = Sinks.one();
        StringBuilder text = new StringBuilder();
        triton.generate(request, new GenerationListener() {
            @Override
            public void onDelta(String delta, int outputTokens) {
                text.append(delta);
            }

            @Override
            public void onComplete(String finishReason, TokenUsage usage) {
                answer.tryEmitValue(completion(id, model, text.toString(), finishReason, usage));
            }

            @Override
            public void onError(InferenceException error, TokenUsage usageSoFar) {
                answer.tryEmitError(error);
            }
        });
        return answer.asMono()
                .flatMap(bytes -> res.header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                        .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(bytes.length))
                        .sendByteArray(Mono.just(bytes))
                        .then());
    }

    private Mono<Void> stream(String id, String model, GenerationRequest request, HttpServerResponse res) {
        Sinks.Many<byte[]> events = Sinks.many().unicast().onBackpressureBuffer();
        triton.generate(request, new GenerationListener() {
            @Override
            public void onDelta(String delta, int outputTokens) {
                events.tryEmitNext(chunk(id, model, delta, null));
            }

            @Override
            public void onComplete(String finishReason, TokenUsage usage) {
                events.tryEmitNext(chunk(id, model, "", finishReason));
                events.tryEmitNext(DONE);
                events.tryEmitComplete();
            }

            @Override
            public void onError(InferenceException error, TokenUsage usageSoFar) {
                events.tryEmitError(error);
            }
        });
        return res.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                .sendByteArray(events.asFlux())
                .then();
    }

    static Parsed parse(byte[] body) {
        String model = null;
        int maxTokens = 16;
        boolean stream = false;
        List<ChatMessage> messages = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not an object");
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "model" -> model = p.getString();
                    case "max_tokens" -> maxTokens = p.getIntValue();
                    case "stream" -> stream = t == JsonToken.VALUE_TRUE;
                    case "messages" -> {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            String role = null;
                            String content = null;
                            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                                String field = p.currentName();
                                p.nextToken();
                                if (field.equals("role")) {
                                    role = p.getString();
                                } else if (field.equals("content")) {
                                    content = p.getString();
                                } else {
                                    p.skipChildren();
                                }
                            }
                            messages.add(new ChatMessage(role, content));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }
        if (model == null || messages.isEmpty()) {
            throw new IllegalArgumentException("model and messages are required");
        }
        return new Parsed(model, messages, maxTokens, stream);
    }

    static byte[] completion(String id, String model, String text, String finishReason, TokenUsage usage) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + text.length());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("id", id);
            g.writeStringProperty("object", "chat.completion");
            g.writeNumberProperty("created", System.currentTimeMillis() / 1000);
            g.writeStringProperty("model", model);
            g.writeName("choices");
            g.writeStartArray();
            g.writeStartObject();
            g.writeNumberProperty("index", 0);
            g.writeName("message");
            g.writeStartObject();
            g.writeStringProperty("role", "assistant");
            g.writeStringProperty("content", text);
            g.writeEndObject();
            g.writeStringProperty("finish_reason", finishReason);
            g.writeEndObject();
            g.writeEndArray();
            g.writeName("usage");
            g.writeStartObject();
            g.writeNumberProperty("prompt_tokens", usage.promptTokens());
            g.writeNumberProperty("completion_tokens", usage.completionTokens());
            g.writeNumberProperty("total_tokens", usage.promptTokens() + usage.completionTokens());
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    static byte[] chunk(String id, String model, String delta, String finishReason) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(192 + delta.length());
        out.writeBytes("data: ".getBytes(StandardCharsets.US_ASCII));
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("id", id);
            g.writeStringProperty("object", "chat.completion.chunk");
            g.writeNumberProperty("created", System.currentTimeMillis() / 1000);
            g.writeStringProperty("model", model);
            g.writeName("choices");
            g.writeStartArray();
            g.writeStartObject();
            g.writeNumberProperty("index", 0);
            g.writeName("delta");
            g.writeStartObject();
            g.writeStringProperty("content", delta);
            g.writeEndObject();
            g.writeStringProperty("finish_reason", finishReason);
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }
        out.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    @Override
    public void close() {
        server.disposeNow();
        triton.close();
    }
}
