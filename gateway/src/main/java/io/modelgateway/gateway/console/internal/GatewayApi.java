package io.modelgateway.gateway.console.internal;

import io.modelgateway.gateway.runtime.JsonMappers;
import java.net.URI;
import java.time.Duration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's own documented APIs, called over loopback HTTP with the session's credential, so every
 * number the console shows is what the API answers that credential (no second source of truth, and the
 * API's authentication, scopes and tenant checks apply unchanged).
 */
public final class GatewayApi {

    static final JsonMapper JSON = JsonMappers.JSON;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** An API's answer: its status and JSON body (an OpenAI-shaped error when not 2xx). */
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The API's error as a sentence for the page. */
        String problem() {
            JsonNode e = body == null ? null : body.get("error");
            String message = e == null || e.get("message") == null
                    ? ""
                    : e.get("message").asString();
            String code = e == null || e.get("code") == null || e.get("code").isNull()
                    ? ""
                    : " (" + e.get("code").asString() + ")";
            return "The API answered " + status + code + (message.isEmpty() ? "." : ": " + message);
        }
    }

    private final Environment environment;
    private final WebClient client;

    public GatewayApi(Environment environment) {
        this.environment = environment;
        // A fresh connection per call: loopback is cheap, and no pooled connection can go stale.
        this.client = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(
                        HttpClient.create(ConnectionProvider.newConnection()).responseTimeout(TIMEOUT)))
                .build();
    }

    Mono<Answer> get(Session s, String pathAndQuery) {
        return answer(client.get().uri(uri(pathAndQuery)).headers(h -> credential(h, s)));
    }

    Mono<Answer> post(Session s, String path, Object body, String idempotencyKey) {
        return send(s, HttpMethod.POST, path, body, idempotencyKey);
    }

    Mono<Answer> send(Session s, HttpMethod method, String path, Object body, String idempotencyKey) {
        return answer(client.method(method)
                .uri(uri(path))
                .headers(h -> {
                    credential(h, s);
                    if (idempotencyKey != null) {
                        h.set("Idempotency-Key", idempotencyKey);
                    }
                })
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(JSON.writeValueAsBytes(body)));
    }

    /**
     * An open endpoint without a credential: the health report, on the management port when the gateway
     * serves it there ({@code local.management.port}).
     */
    Mono<Answer> health() {
        String port =
                environment.getProperty("local.management.port", environment.getProperty("local.server.port", "8080"));
        return answer(client.get().uri(URI.create("http://127.0.0.1:" + port + "/actuator/health")));
    }

    /** A download (CSV or JSON) passed through as the API streams it. */
    Mono<ResponseEntity<Flux<DataBuffer>>> raw(Session s, String pathAndQuery) {
        return client.get()
                .uri(uri(pathAndQuery))
                .headers(h -> credential(h, s))
                .retrieve()
                .onStatus(status -> true, r -> Mono.empty())
                .toEntityFlux(DataBuffer.class);
    }

    private static Mono<Answer> answer(WebClient.RequestHeadersSpec<?> spec) {
        return spec.exchangeToMono(r -> r.bodyToMono(byte[].class)
                .defaultIfEmpty(new byte[0])
                .map(bytes -> new Answer(r.statusCode().value(), parse(bytes))));
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return bytes.length == 0 ? JSON.nullNode() : JSON.readTree(bytes);
        } catch (RuntimeException e) {
            return JSON.nullNode();
        }
    }

    private static void credential(HttpHeaders h, Session s) {
        h.setBearerAuth(s.key());
    }

    /** Already encoded by {@link Query}: taken as is (a URI template would encode it again). */
    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port", "8080") + pathAndQuery);
    }
}
