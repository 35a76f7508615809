package io.modelgateway.gateway.openai.internal;

import io.modelgateway.gateway.deployment.HttpUpstream;
import io.modelgateway.gateway.pipeline.Call;
import java.net.URI;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The request Spring Cloud Gateway sends upstream: the client's body with the upstream's model name, the
 * token budget the pipeline admitted and, on streams, {@code stream_options.include_usage}; the gateway's own
 * headers only (the upstream's key, never the caller's credentials).
 */
public final class UpstreamRequest extends ServerHttpRequestDecorator {

    private final URI uri;
    private final HttpHeaders headers = new HttpHeaders();
    private final byte[] body;

    public UpstreamRequest(ServerHttpRequest client, HttpUpstream upstream, String operation, byte[] body,
            boolean stream, String requestId) {
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

    /** The client's (validated) body as the upstream gets it. */
    public static byte[] body(JsonNode client, Generation gen, Call call, String maxTokensParam) {
        ObjectNode out = (ObjectNode) client.deepCopy();
        out.put("model", gen.deployment().model());
        out.put(maxTokensParam, call.maxTokens());
        if (gen.stream()) {
            JsonNode options = out.get("stream_options");
            ObjectNode o = options instanceof ObjectNode existing ? existing : out.putObject("stream_options");
            o.put("include_usage", true);
        }
        return Json.write(g -> g.writeTree(out));
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
