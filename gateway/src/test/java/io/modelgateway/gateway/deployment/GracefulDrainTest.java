package io.modelgateway.gateway.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.modelgateway.gateway.GatewayApplication;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Shutting the gateway down (as on SIGTERM) stops taking new requests at once and lets a stream in flight
 * finish on its backend before the pools close.
 */
class GracefulDrainTest {

    @Test
    void aStreamInFlightFinishesWhileNewRequestsAreRefused() throws Exception {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(GatewayApplication.class)
                .initializers(io.modelgateway.gateway.Replicas.ownNettyResources())
                .run(
                        "--server.port=0",
                        "--management.server.port=0",
                        "--spring.datasource.url=jdbc:h2:mem:drain-" + UUID.randomUUID() + ";MODE=PostgreSQL;"
                                + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                        "--gateway.demo-api-key=sk-drain",
                        "--gateway.embedded-model-server.embeddings=false",
                        "--gateway.embedded-model-server.tokens-per-second=20",
                        "--spring.lifecycle.timeout-per-shutdown-phase=20s");
        int port = Objects.requireNonNull(((WebServerApplicationContext) app).getWebServer(), "started")
                .getPort();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<InputStream> stream = http.send(chat(port, 40), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).startsWith("data: ");

        CompletableFuture<Void> closing = CompletableFuture.runAsync(app::close);
        // once the drain has begun, a new connection is refused
        await().atMost(Duration.ofSeconds(10))
                .until(() -> catchThrowable(() ->
                                HttpClient.newHttpClient().send(chat(port, 1), HttpResponse.BodyHandlers.ofString()))
                        instanceof IOException);
        assertThat(closing).isNotDone();

        List<String> rest = lines.lines().filter(l -> l.startsWith("data: ")).toList();
        assertThat(rest.get(rest.size() - 1)).isEqualTo("data: [DONE]");
        assertThat(rest).noneMatch(l -> l.contains("\"error\""));
        String text = rest.stream()
                .filter(l -> l.contains("\"content\""))
                .map(l -> l.replaceAll(".*\"content\":\"([^\"]*)\".*", "$1"))
                .collect(Collectors.joining());
        assertThat(text).endsWith("w38 w39 assistant:");
        closing.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static HttpRequest chat(int port, int words) {
        String prompt = IntStream.range(0, words).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
        String body =
                "{\"model\":\"echo\",\"stream\":true,\"max_tokens\":200,\"messages\":[{\"role\":\"user\",\"content\":\""
                        + prompt + "\"}]}";
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer sk-drain")
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}
