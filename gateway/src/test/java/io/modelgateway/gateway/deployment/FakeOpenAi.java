package io.modelgateway.gateway.deployment;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small OpenAI-compatible server on loopback (Reactor Netty), standing in for vLLM's server: chat and
 * completions, JSON or SSE; the answer echoes the prompt's words. Model {@code no-usage} never reports usage;
 * model {@code breaks} closes the connection after two chunks; model {@code slow} streams a word every 50 ms (a whole answer takes as long).
 * Answers at most {@code max_tokens} (or {@code max_completion_tokens}) words, then finishes with {@code length}.
 * Remembers each request's headers and body, and counts streams whose client (the gateway) went away.
 * Public for the SIGKILL tests ({@code billing.GatewayKill}), whose gateway process proxies to it.
 */
public final class FakeOpenAi implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** One request as the upstream received it. */
    record Received(String path, Map<String, String> headers, JsonNode body) {}

    final List<Received> received = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Streams cut by the client's side (its connection closed or the send cancelled) before they ended. */
    final java.util.concurrent.atomic.AtomicInteger cancelledStreams = new java.util.concurrent.atomic.AtomicInteger();
    /** Non-streamed answers of model {@code slow} the server finished and sent. */
    final java.util.concurrent.atomic.AtomicInteger wholeAnswersSent = new java.util.concurrent.atomic.AtomicInteger();
    /**
     * Its own event loops: Reactor Netty's global ones are disposed when any Spring context in the JVM closes
     * (GracefulDrainTest closes one), which would take this server down with it.
     */
    private final LoopResources loops = LoopResources.create("fake-openai", 1, true);

    private final DisposableServer server;

    public FakeOpenAi() {
        this.server = HttpServer.create()
                .runOn(loops)
                .host("127.0.0.1")
                .port(0)
                .route(r -> r.post("/v1/chat/completions", (req, res) -> answer(req, res, true))
                        .post("/v1/completions", (req, res) -> answer(req, res, false)))
                .bindNow();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    Received last() {
        return received.get(received.size() - 1);
    }

    private Mono<Void> answer(HttpServerRequest req, HttpServerResponse res, boolean chat) {
        return req.receive().aggregate().asString(StandardCharsets.UTF_8).flatMap(text -> {
            JsonNode body = JSON.readTree(text);
            Map<String, String> headers = new ConcurrentHashMap<>();
            req.requestHeaders().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
            received.add(new Received(req.uri(), headers, body));
            String prompt = chat
                    ? body.get("messages")
                            .get(body.get("messages").size() - 1)
                            .get("content")
                            .asString()
                    : body.get("prompt").asString();
            List<String> all = List.of(prompt.split(" "));
            int max = body.path("max_completion_tokens")
                    .asInt(body.path("max_tokens").asInt(Integer.MAX_VALUE));
            List<String> words = all.subList(0, Math.min(all.size(), max));
            String finish = words.size() < all.size() ? "length" : "stop";
            String model = body.get("model").asString();
            boolean usage = !"no-usage".equals(model);
            res.header("x-request-id", "upstream-id").header("x-ratelimit-remaining-requests", "41");
            if (body.path("stream").asBoolean(false)) {
                boolean include =
                        body.path("stream_options").path("include_usage").asBoolean(false);
                return stream(res, chat, model, words, usage && include, finish);
            }
            res.header("content-type", "application/json");
            Mono<String> answer = Mono.just(whole(chat, model, String.join(" ", words), words.size(), usage, finish));
            if ("slow".equals(model)) {
                // Takes 50 ms a word, as a real server generating the whole answer before it sends it.
                answer = answer.delayElement(Duration.ofMillis(50L * words.size()))
                        .doOnNext(a -> wholeAnswersSent.incrementAndGet());
            }
            return res.sendString(answer).then();
        });
    }

    private static String whole(boolean chat, String model, String text, int tokens, boolean usage, String finish) {
        String choice = chat
                ? "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + text + "\"},\"finish_reason\":\""
                        + finish + "\"}"
                : "{\"index\":0,\"text\":\"" + text + "\",\"finish_reason\":\"" + finish + "\"}";
        return "{\"id\":\"up-1\",\"object\":\"" + (chat ? "chat.completion" : "text_completion") + "\",\"created\":1,"
                + "\"model\":\"" + model + "\",\"choices\":[" + choice + "]"
                + (usage
                        ? ",\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":" + tokens + ",\"total_tokens\":"
                                + (7 + tokens) + "}"
                        : "")
                + "}";
    }

    private Mono<Void> stream(
            HttpServerResponse res, boolean chat, String model, List<String> words, boolean usage, String finish) {
        res.header("content-type", "text/event-stream");
        List<String> events = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String piece = (i == 0 ? "" : " ") + words.get(i);
            String choice = chat
                    ? "{\"index\":0,\"delta\":{\"content\":\"" + piece + "\"},\"finish_reason\":null}"
                    : "{\"index\":0,\"text\":\"" + piece + "\",\"finish_reason\":null}";
            events.add(chunk(chat, model, "[" + choice + "]", null));
        }
        if ("breaks".equals(model)) {
            // Two chunks, then the connection drops without [DONE].
            return res.sendString(Flux.fromIterable(events.subList(0, 2)).delayElements(Duration.ofMillis(20)))
                    .then()
                    .then(Mono.defer(() -> Mono.error(new IllegalStateException("upstream breaks"))));
        }
        String last = chat
                ? "[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + finish + "\"}]"
                : "[{\"index\":0,\"text\":\"\",\"finish_reason\":\"" + finish + "\"}]";
        events.add(chunk(chat, model, last, null));
        if (usage) {
            events.add(chunk(
                    chat,
                    model,
                    "[]",
                    "{\"prompt_tokens\":7,\"completion_tokens\":" + words.size() + ",\"total_tokens\":"
                            + (7 + words.size()) + "}"));
        }
        events.add("data: [DONE]\n\n");
        if ("slow".equals(model)) {
            return res.sendString(Flux.fromIterable(events)
                            .delayElements(Duration.ofMillis(50))
                            .doOnCancel(cancelledStreams::incrementAndGet))
                    .then();
        }
        // Cut each event in two across writes, to show the relay reassembles events.
        List<String> pieces = new ArrayList<>();
        for (String e : events) {
            pieces.add(e.substring(0, e.length() / 2));
            pieces.add(e.substring(e.length() / 2));
        }
        return res.sendString(Flux.fromIterable(pieces).delayElements(Duration.ofMillis(2)))
                .then();
    }

    private static String chunk(boolean chat, String model, String choices, @Nullable String usage) {
        return "data: {\"id\":\"up-1\",\"object\":\"" + (chat ? "chat.completion.chunk" : "text_completion")
                + "\",\"created\":1,\"model\":\"" + model + "\",\"choices\":" + choices
                + (usage == null ? "" : ",\"usage\":" + usage) + "}\n\n";
    }

    @Override
    public void close() {
        server.disposeNow();
        loops.dispose();
    }
}
