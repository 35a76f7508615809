package io.modelgateway.bench;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Path B (and the HTTP diagnostics): one request over HTTP/1.1 keep-alive with reactor-netty's
 * {@link HttpClient} (pooled connections, event-loop threads, no thread per request).
 *
 * <p>A JSON answer counts as a success only with status 200 and the {@code marker} bytes in the body
 * (e.g. {@code "finish_reason"}); an SSE answer only with status 200, a content event and
 * {@code data: [DONE]} at the end. Anything else is an error, reported with its kind.
 */
final class HttpTarget implements Target {

    private static final byte[] EMPTY = new byte[0];

    private final String name;
    private final HttpClient client;
    private final String path;
    private final byte[] body;
    private final byte[] marker;
    private final boolean sse;

    private HttpTarget(String name, HttpClient client, String path, byte[] body, byte[] marker, boolean sse) {
        this.name = name;
        this.client = body == null ? client : client.headers(h -> h.set(HttpHeaderNames.CONTENT_LENGTH, body.length));
        this.path = path;
        this.body = body;
        this.marker = marker;
        this.sse = sse;
    }

    /** POST a JSON body, expect a JSON answer containing {@code marker}. */
    static HttpTarget postJson(String name, HttpClient client, String path, String body, String marker) {
        return new HttpTarget(
                name,
                client,
                path,
                body.getBytes(StandardCharsets.UTF_8),
                marker.getBytes(StandardCharsets.UTF_8),
                false);
    }

    /** POST a JSON body, expect an SSE stream. */
    static HttpTarget postSse(String name, HttpClient client, String path, String body) {
        return new HttpTarget(name, client, path, body.getBytes(StandardCharsets.UTF_8), EMPTY, true);
    }

    /** GET, expect a JSON answer containing {@code marker}. */
    static HttpTarget get(String name, HttpClient client, String path, String marker) {
        return new HttpTarget(name, client, path, null, marker.getBytes(StandardCharsets.UTF_8), false);
    }

    @Override
    public String name() {
        return name;
    }

    /** What became of one request; {@code kind == null} means success. */
    private record Outcome(String kind, String detail, long firstNanos) {
        static Outcome fail(String kind, String detail) {
            return new Outcome(kind, detail, 0);
        }
    }

    @Override
    public void send(Callback callback) {
        HttpClient.ResponseReceiver<?> receiver = body == null
                ? client.get().uri(path)
                : client.post().uri(path).send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)));
        Mono<Outcome> outcome = sse ? sse(receiver) : json(receiver);
        outcome.subscribe(
                o -> {
                    long end = System.nanoTime();
                    if (o.kind() == null) {
                        callback.done(sse ? o.firstNanos() : end, end);
                    } else {
                        callback.failed(o.kind(), o.detail());
                    }
                },
                e -> callback.failed("I/O " + e.getClass().getSimpleName(), String.valueOf(e.getMessage())));
    }

    private Mono<Outcome> json(HttpClient.ResponseReceiver<?> receiver) {
        return receiver.responseSingle((res, content) -> content.asByteArray()
                .defaultIfEmpty(EMPTY)
                .map(b -> {
                    int code = res.status().code();
                    if (code != 200) {
                        return Outcome.fail("HTTP " + code, text(b));
                    }
                    if (indexOf(b, marker) < 0) {
                        return Outcome.fail("HTTP 200 without " + new String(marker, StandardCharsets.UTF_8), text(b));
                    }
                    return new Outcome(null, null, 0);
                }));
    }

    private Mono<Outcome> sse(HttpClient.ResponseReceiver<?> receiver) {
        return receiver.response((res, content) -> {
                    int code = res.status().code();
                    if (code != 200) {
                        return content.aggregate()
                                .asByteArray()
                                .defaultIfEmpty(EMPTY)
                                .map(b -> Outcome.fail("HTTP " + code, text(b)));
                    }
                    SseScanner scanner = new SseScanner();
                    long[] first = new long[1];
                    return content.doOnNext(buf -> {
                                if (scanner.feed(buf)) {
                                    first[0] = System.nanoTime();
                                }
                            })
                            .then(Mono.fromSupplier(() -> {
                                if (scanner.errorSeen()) {
                                    return Outcome.fail("SSE error event", "stream carried an error event");
                                }
                                if (!scanner.contentSeen()) {
                                    return Outcome.fail("SSE without content", scanner.events() + " events");
                                }
                                if (!scanner.done()) {
                                    return Outcome.fail("SSE without [DONE]", scanner.events() + " events");
                                }
                                return new Outcome(null, null, first[0]);
                            }));
                })
                .next()
                .switchIfEmpty(Mono.fromSupplier(() -> Outcome.fail("no response", "")));
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        if (needle.length == 0) {
            return 0;
        }
        outer:
        for (int i = 0, last = haystack.length - needle.length; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String text(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
