package io.modelgateway.gateway.catalog;

import static io.modelgateway.gateway.AdminClient.JSON;
import static io.modelgateway.gateway.AdminClient.error;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.GatewayTestBase;
import io.modelgateway.inference.ModelStatus;
import io.modelgateway.inference.TritonClient;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Loading and unloading a deployment's model on a pool of two model servers in explicit model-control mode,
 * over real gRPC on loopback: no traffic until both replicas are READY, a failed load reported with Triton's
 * reason, an unload that waits for the calls in flight, then refuses calls.
 */
class ModelLifecycleEndToEndTest extends GatewayTestBase {

    /** 50 tokens per second: a 40-token answer streams for most of a second. */
    private static final EchoSettings STEADY = new EchoSettings(Duration.ZERO, 50);

    static final ModelServer A = ModelServer.builder()
            .port(0)
            .embeddings(false)
            .explicitModelControl(true)
            .echoSettings(STEADY)
            .start();
    static final ModelServer B = ModelServer.builder()
            .port(0)
            .embeddings(false)
            .explicitModelControl(true)
            .echoSettings(STEADY)
            .start();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterAll
    static void stopServers() {
        A.close();
        B.close();
    }

    private final List<String> defined = new java.util.ArrayList<>();

    /** The shared context outlives this class: its deployments on the servers closed after it go with it. */
    @org.junit.jupiter.api.AfterEach
    void deleteDeployments() {
        defined.forEach(name -> admin().expect(200, "DELETE", "/deployments/" + name, null));
        defined.clear();
    }

    private String define() {
        String name = "lc-" + UUID.randomUUID().toString().substring(0, 8);
        defined.add(name);
        admin().expect(
                        201,
                        "POST",
                        "/deployments",
                        "{\"name\":\"" + name + "\",\"backend\":\"" + A.target() + "," + B.target()
                                + "\",\"model\":\"echo\",\"chat_template\":\"plain\",\"layout\":\"vllm\"}");
        return name;
    }

    private CompletableFuture<HttpResponse<String>> adminAsync(String path) {
        return HTTP.sendAsync(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/admin/v1" + path))
                        .header("Authorization", "Bearer " + ADMIN_KEY)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String get(String path) {
        return HTTP.sendAsync(
                        HttpRequest.newBuilder(URI.create(baseUrl() + path))
                                .header("Authorization", "Bearer " + KEY)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .join()
                .body();
    }

    private CompletableFuture<HttpResponse<String>> chat(String model, boolean stream) {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":40,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + "word ".repeat(60) + "\"}]}";
        return HTTP.sendAsync(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Each test starts with the model unloaded on both servers, whatever the other did. */
    private static void unloadEverywhere() {
        for (ModelServer server : List.of(A, B)) {
            try (TritonClient client = TritonClient.connect(server.target())) {
                client.unloadModel("echo", Duration.ofSeconds(10)).join();
            }
        }
    }

    private static String state(ModelServer server) {
        try (TritonClient client = TritonClient.connect(server.target())) {
            List<ModelStatus> index = client.repositoryIndex().join();
            return index.stream()
                    .filter(m -> m.name().equals("echo"))
                    .map(m -> m.state() + ":" + m.reason())
                    .findFirst()
                    .orElse("");
        }
    }

    @Test
    void loadPutsTheDeploymentLiveOnlyOnceEveryReplicaIsReadyAndUnloadDrainsFirst() throws Exception {
        unloadEverywhere();
        String name = define();
        B.loadDelay(Duration.ofSeconds(2));
        CompletableFuture<HttpResponse<String>> load = adminAsync("/deployments/" + name + "/load");

        // A loads at once, B takes its time: the deployment takes no traffic meanwhile.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> state(A).startsWith("READY"));
        assertThat(state(B)).startsWith("LOADING");
        error(chat(name, false).join(), 503, "model_loading");
        assertThat(JSON.readTree(get("/v1/models/" + name))
                        .get("status")
                        .get("state")
                        .asString())
                .isEqualTo("loading");
        assertThat(load).isNotDone();

        HttpResponse<String> loaded = load.get();
        assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(loaded.body());
        assertThat(body.get("state").asString()).isEqualTo("live");
        assertThat(body.get("replicas")).hasSize(2);
        body.get("replicas").forEach(r -> assertThat(r.get("state").asString()).isEqualTo("READY"));
        assertThat(state(B)).startsWith("READY");
        B.loadDelay(Duration.ZERO);
        assertThat(chat(name, false).join().statusCode()).isEqualTo(200);
        JsonNode status = JSON.readTree(get("/v1/models/" + name)).get("status");
        assertThat(status.get("state").asString()).isEqualTo("ready");
        assertThat(status.get("ready_replicas").asInt()).isEqualTo(2);

        // Unload while a stream is running: new calls are refused, the stream finishes, then the model goes.
        long started = A.startedRequests() + B.startedRequests();
        CompletableFuture<HttpResponse<String>> stream = chat(name, true);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> A.startedRequests() + B.startedRequests() > started);
        CompletableFuture<HttpResponse<String>> unload = adminAsync("/deployments/" + name + "/unload");
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> error(chat(name, false).join(), 503, "model_unloading"));
        HttpResponse<String> unloaded = unload.get();
        assertThat(stream).as("the unload waited for the call in flight").isDone();
        assertThat(stream.join().statusCode()).isEqualTo(200);
        assertThat(stream.join().body()).contains("data: [DONE]").doesNotContain("\"error\"");
        assertThat(unloaded.statusCode()).as(unloaded.body()).isEqualTo(200);
        assertThat(JSON.readTree(unloaded.body()).get("state").asString()).isEqualTo("unloaded");
        assertThat(state(A)).isEqualTo("UNAVAILABLE:unloaded");
        assertThat(state(B)).isEqualTo("UNAVAILABLE:unloaded");
        error(chat(name, false).join(), 503, "model_not_loaded");
        assertThat(JSON.readTree(get("/v1/models/" + name))
                        .get("status")
                        .get("state")
                        .asString())
                .isEqualTo("unloaded");

        // Loaded again: live again.
        assertThat(adminAsync("/deployments/" + name + "/load").get().statusCode())
                .isEqualTo(200);
        assertThat(chat(name, false).join().statusCode()).isEqualTo(200);
    }

    @Test
    void failedLoadIsReportedWithTritonsReason() throws Exception {
        unloadEverywhere();
        String name = define();
        B.failNextLoad("out of GPU memory");
        HttpResponse<String> r = adminAsync("/deployments/" + name + "/load").get();
        JsonNode e = error(r, 502, "model_load_failed");
        assertThat(e.get("message").asString()).contains("out of GPU memory");
        assertThat(state(B)).isEqualTo("UNAVAILABLE:out of GPU memory");

        error(adminAsync("/deployments/nope-" + name + "/load").get(), 404, "not_found");
        assertThat(adminAsync("/deployments/" + name + "/load").get().statusCode())
                .isEqualTo(200);
        assertThat(HTTP.send(
                                HttpRequest.newBuilder(
                                                URI.create(baseUrl() + "/admin/v1/deployments/" + name + "/load"))
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(401);
    }
}
