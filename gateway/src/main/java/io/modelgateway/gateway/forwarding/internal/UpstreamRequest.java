package io.modelgateway.gateway.forwarding.internal;

import io.modelgateway.gateway.deployment.HttpUpstream;
import io.modelgateway.gateway.edge.json.Json;
import io.modelgateway.gateway.pipeline.Call;
import java.net.URI;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import reactor.core.publisher.Flux;
import tools.jackson.core.JsonGenerator;

/**
 * The request Spring Cloud Gateway sends upstream: a body rebuilt from the validated, allow-listed fields
 * ({@link #body}); the gateway's own headers only (the upstream's key, never the caller's credentials).
 */
public final class UpstreamRequest extends ServerHttpRequestDecorator {

    private final URI uri;
    private final HttpHeaders headers = new HttpHeaders();
    private final byte[] body;

    public UpstreamRequest(
            ServerHttpRequest client,
            HttpUpstream upstream,
            String operation,
            byte[] body,
            boolean stream,
            String requestId) {
        super(client);
        this.uri = URI.create("http://upstream" + upstream.path(operation));
        this.body = body;
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setAccept(java.util.List.of(stream ? MediaType.TEXT_EVENT_STREAM : MediaType.APPLICATION_JSON));
        headers.setContentLength(body.length);
        headers.set("x-request-id", requestId);
        if (!upstream.apiKey().isBlank()) {
            headers.setBearerAuth(upstream.apiKey());
        }
    }

    /**
     * The body the upstream gets, rebuilt from the validated request and nothing else: the upstream's model
     * name, the prompt texts as the pipeline left them (redacted), the admitted budget in the one field the
     * client used ({@code max_completion_tokens} or {@code max_tokens}), the validated sampling and
     * answer-shaping parameters and, on streams, {@code stream_options.include_usage}. Fields the gateway does
     * not forward ({@code store}, {@code service_tier}, {@code metadata}, {@code user}, ...) never travel.
     */
    public static byte[] body(Generation gen, Call call) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringProperty("model", gen.deployment().model());
            if (gen.chat()) {
                g.writeName("messages");
                g.writeStartArray();
                for (int i = 0; i < gen.messages().size(); i++) {
                    g.writeStartObject();
                    g.writeStringProperty("role", gen.messages().get(i).role());
                    g.writeStringProperty("content", call.prompts().get(i));
                    g.writeEndObject();
                }
                g.writeEndArray();
            } else {
                g.writeStringProperty("prompt", call.prompts().get(0));
            }
            g.writeNumberProperty(gen.chat() ? gen.maxTokensParam() : "max_tokens", call.maxTokens());
            gen.sampling().forEach((name, value) -> property(g, name, value));
            gen.shaping().forEach((name, value) -> property(g, name, value));
            if (gen.stream()) {
                g.writeBooleanProperty("stream", true);
                g.writeName("stream_options");
                g.writeStartObject();
                g.writeBooleanProperty("include_usage", true);
                g.writeEndObject();
            }
            g.writeEndObject();
        });
    }

    /** A validated value: a number, a boolean, a list of strings ({@code stop}) or a map ({@code logit_bias}). */
    private static void property(JsonGenerator g, String name, Object value) {
        g.writeName(name);
        value(g, value);
    }

    private static void value(JsonGenerator g, Object value) {
        if (value instanceof Integer i) {
            g.writeNumber(i);
        } else if (value instanceof Long l) {
            g.writeNumber(l);
        } else if (value instanceof Double d) {
            g.writeNumber(d);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof java.util.List<?> list) {
            g.writeStartArray();
            list.forEach(item -> value(g, item));
            g.writeEndArray();
        } else if (value instanceof java.util.Map<?, ?> map) {
            g.writeStartObject();
            map.forEach((k, v) -> property(g, String.valueOf(k), v));
            g.writeEndObject();
        } else {
            throw new IllegalArgumentException("not a request value: " + value);
        }
    }

    @Override
    public URI getURI() {
        return uri;
    }

    @Override
    public org.springframework.http.server.RequestPath getPath() {
        return org.springframework.http.server.RequestPath.parse(uri, null);
    }

    @Override
    public HttpMethod getMethod() {
        return HttpMethod.POST;
    }

    @Override
    public HttpHeaders getHeaders() {
        return headers;
    }

    @Override
    public Flux<DataBuffer> getBody() {
        return Flux.defer(() -> Flux.just(bufferFactory().wrap(body)));
    }

    private org.springframework.core.io.buffer.DataBufferFactory bufferFactory() {
        return org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance;
    }
}
