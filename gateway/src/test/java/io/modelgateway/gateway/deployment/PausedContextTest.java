package io.modelgateway.gateway.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.GatewayApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A context paused and restarted (Spring's lifecycle stop and start, as the test framework does with inactive
 * contexts) still answers model calls: the Triton pools' gRPC channels run on the HTTP server's event loops, so
 * neither the pools nor the loops may be closed by a pause (they were, and every later call got 503
 * {@code backend_unavailable}). Also a second application closing in the same JVM leaves the first one's loops
 * alone (each has its own).
 */
class PausedContextTest {

    @TempDir
    Path spool;

    @Test
    void aPausedAndRestartedGatewayStillReachesItsBackend() throws Exception {
        try (ConfigurableApplicationContext app = start();
                ConfigurableApplicationContext other = start()) {
            assertThat(chat(app)).isEqualTo(200);
            other.close();
            assertThat(chat(app)).as("after another gateway in the JVM closed").isEqualTo(200);
            app.pause();
            app.restart();
            assertThat(chat(app)).as("after a pause and restart").isEqualTo(200);
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(GatewayApplication.class)
                .run(
                        "--server.port=0",
                        "--management.server.port=0",
                        "--spring.datasource.url=jdbc:h2:mem:paused-" + UUID.randomUUID() + ";MODE=PostgreSQL;"
                                + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                        "--gateway.demo-api-key=sk-paused",
                        "--gateway.billing.spool-dir="
                                + spool.resolve(UUID.randomUUID().toString()),
                        "--gateway.embedded-model-server.embeddings=false");
    }

    private static int chat(ConfigurableApplicationContext app) throws Exception {
        int port = Objects.requireNonNull(((WebServerApplicationContext) app).getWebServer(), "started")
                .getPort();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer sk-paused")
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"echo\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).as("answer").doesNotContain("\"error\"");
        return r.statusCode();
    }
}
