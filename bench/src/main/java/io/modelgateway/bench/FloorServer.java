package io.modelgateway.bench;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * Diagnostic only: a bare reactor-netty HTTP server in this JVM that answers every POST with a canned
 * chat completion. Calling it with the same client as the gateway shows what one HTTP/1.1 loopback hop
 * costs on this machine with nothing behind it: the floor under the gateway's added latency.
 */
final class FloorServer implements AutoCloseable {

    static final String CANNED = "{\"id\":\"chatcmpl-floor\",\"object\":\"chat.completion\",\"created\":0,"
            + "\"model\":\"echo\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + "\"canned\"},\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":16,"
            + "\"total_tokens\":36}}";

    private final LoopResources loops;
    private final DisposableServer server;

    FloorServer() {
        byte[] body = CANNED.getBytes(StandardCharsets.UTF_8);
        this.loops = LoopResources.create("bench-floor", 1, true);
        this.server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .runOn(loops)
                .handle((req, res) -> req.receive()
                        .then(Mono.defer(() ->
                                Mono.from(res.header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                                        .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(body.length))
                                        .sendByteArray(Mono.just(body))))))
                .bindNow();
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.disposeNow();
        loops.dispose();
    }
}
