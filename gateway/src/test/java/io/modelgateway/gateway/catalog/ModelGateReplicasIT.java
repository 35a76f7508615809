package io.modelgateway.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.AdminClient;
import io.modelgateway.gateway.Replicas;
import io.modelgateway.inference.TritonClient;
import io.modelgateway.modelserver.ModelServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The load gate is shared: two gateway replicas (real PostgreSQL in a schema of this run, Redis signals), a pool
 * of two model servers in explicit model-control mode. A load taken by replica one holds every call on replica
 * two with 503 {@code model_loading} until both servers are ready, though replica two never took the admin
 * call; an unload through replica one leaves replica two refusing with {@code model_not_loaded}.
 */
class ModelGateReplicasIT {

    private static final String ADMIN_KEY = randomKey();
    private static final String KEY = randomKey();
    private static final String RUN =
            UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String SCHEMA = "mgw_gate_" + RUN;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ModelServer A = ModelServer.builder()
            .port(0)
            .embeddings(false)
            .explicitModelControl(true)
            .start();
    private static final ModelServer B = ModelServer.builder()
            .port(0)
            .embeddings(false)
            .explicitModelControl(true)
            .start();

    private static Replicas.Two replicas;
    private static ConfigurableApplicationContext one;
    private static ConfigurableApplicationContext two;

    @BeforeAll
    static void start() throws SQLException {
        replicas = Replicas.Two.start(SCHEMA, ADMIN_KEY, Map.of("gateway.demo-api-key", KEY));
        one = replicas.one;
        two = replicas.two;
    }

    @AfterAll
    static void stop() throws SQLException {
        if (replicas != null) {
            replicas.close();
        }
        A.close();
        B.close();
    }

    private static String randomKey() {
        return "sk-" + UUID.randomUUID().toString().replace("-", "")
                + UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    void aLoadThroughOneReplicaHoldsTheOtherUntilEveryServerIsReadyAndAnUnloadReachesItToo() throws Exception {
        for (ModelServer server : List.of(A, B)) {
            try (TritonClient client = TritonClient.connect(server.target())) {
                client.unloadModel("echo", Duration.ofSeconds(10)).join();
            }
        }
        String name = "gate-" + RUN;
        new AdminClient(Replicas.url(one), ADMIN_KEY)
                .expect(
                        201,
                        "POST",
                        "/deployments",
                        "{\"name\":\"" + name
                                + "\",\"backend\":\"" + A.target() + "," + B.target() + "\",\"model\":\"echo\","
                                + "\"chat_template\":\"plain\",\"layout\":\"vllm\"}");
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> new AdminClient(Replicas.url(two), ADMIN_KEY)
                                .send("GET", "/deployments/" + name, null)
                                .statusCode()
                        == 200);

        B.loadDelay(Duration.ofSeconds(4));
        CompletableFuture<HttpResponse<String>> load = HTTP.sendAsync(
                HttpRequest.newBuilder(URI.create(Replicas.url(one) + "/admin/v1/deployments/" + name + "/load"))
                        .header("Authorization", "Bearer " + ADMIN_KEY)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        // A is ready at once, B takes its time: replica two, which never took the load, serves nothing meanwhile.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ready(A));
        assertThat(load).isNotDone();
        AdminClient.error(chat(two, name), 503, "model_loading");
        JsonNode listed = AdminClient.JSON.readTree(get(two, "/v1/models/" + name));
        assertThat(listed.get("status").get("state").asString()).isEqualTo("loading");
        assertThat(load).as("the refusal came while the load ran").isNotDone();

        HttpResponse<String> loaded = load.get();
        assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
        B.loadDelay(Duration.ZERO);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> chat(two, name).statusCode() == 200);
        assertThat(chat(one, name).statusCode()).isEqualTo(200);

        HttpResponse<String> unloaded = HTTP.send(
                HttpRequest.newBuilder(URI.create(Replicas.url(one) + "/admin/v1/deployments/" + name + "/unload"))
                        .header("Authorization", "Bearer " + ADMIN_KEY)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unloaded.statusCode()).as(unloaded.body()).isEqualTo(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> AdminClient.error(chat(two, name), 503, "model_not_loaded"));
        // A second load taken by replica two while one holds nothing: allowed, and both serve again.
        HttpResponse<String> again = HTTP.send(
                HttpRequest.newBuilder(URI.create(Replicas.url(two) + "/admin/v1/deployments/" + name + "/load"))
                        .header("Authorization", "Bearer " + ADMIN_KEY)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> chat(one, name).statusCode() == 200);
    }

    private static boolean ready(ModelServer server) {
        try (TritonClient client = TritonClient.connect(server.target())) {
            return client.repositoryIndex().join().stream()
                    .anyMatch(
                            m -> m.name().equals("echo") && m.state().toString().startsWith("READY"));
        }
    }

    private static HttpResponse<String> chat(ConfigurableApplicationContext replica, String model) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(Replicas.url(replica) + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":5,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String get(ConfigurableApplicationContext replica, String path) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(Replicas.url(replica) + path))
                                .header("Authorization", "Bearer " + KEY)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
