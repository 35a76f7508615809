package io.modelgateway.modelserver;

import static io.modelgateway.modelserver.ServerApiTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import inference.ModelReadyRequest;
import inference.RepositoryIndexRequest;
import inference.RepositoryIndexResponse.ModelIndex;
import inference.RepositoryModelLoadRequest;
import inference.RepositoryModelLoadResponse;
import inference.RepositoryModelUnloadRequest;
import inference.ServerReadyRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Explicit model control over real gRPC on loopback, with Triton's semantics: models start unloaded, a load
 * answers once the model is READY (LOADING meanwhile), loading a loaded model is a no-op, a failed load is
 * INTERNAL with its reason in the index, unloading makes calls NOT_FOUND, an unknown name fails to poll.
 */
class RepositoryControlTest {

    private ModelServer server;
    private TestClient client;

    @BeforeEach
    void start() {
        server = ModelServer.builder()
                .port(0)
                .embeddings(false)
                .explicitModelControl(true)
                .start();
        client = new TestClient(server);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
    }

    private List<ModelIndex> index(boolean readyOnly) {
        return client.blocking
                .repositoryIndex(
                        RepositoryIndexRequest.newBuilder().setReady(readyOnly).build())
                .getModelsList();
    }

    private void load(String model) {
        client.blocking.repositoryModelLoad(
                RepositoryModelLoadRequest.newBuilder().setModelName(model).build());
    }

    private void unload(String model) {
        client.blocking.repositoryModelUnload(
                RepositoryModelUnloadRequest.newBuilder().setModelName(model).build());
    }

    private boolean ready(String model) {
        return client.blocking
                .modelReady(ModelReadyRequest.newBuilder().setName(model).build())
                .getReady();
    }

    @Test
    void modelsStartUnloadedAndLoadToReady() {
        assertThat(index(false))
                .extracting(ModelIndex::getName, ModelIndex::getVersion, ModelIndex::getState)
                .containsExactly(tuple("echo", "", ""));
        assertThat(index(true)).isEmpty();
        assertStatus(() -> ready("echo"), Status.Code.NOT_FOUND, "has no available versions");
        assertThat(client.blocking
                        .serverReady(ServerReadyRequest.getDefaultInstance())
                        .getReady())
                .isTrue();

        load("echo");
        assertThat(index(true))
                .extracting(ModelIndex::getName, ModelIndex::getVersion, ModelIndex::getState)
                .containsExactly(tuple("echo", "1", "READY"));
        assertThat(ready("echo")).isTrue();
        load("echo"); // already loaded: a no-op
        assertThat(ready("echo")).isTrue();
    }

    @Test
    void loadAnswersOnlyOnceTheModelIsReady() {
        server.loadDelay(Duration.ofSeconds(3)); // a window wide enough to see LOADING on a loaded machine
        CompletableFuture<RepositoryModelLoadResponse> answer = new CompletableFuture<>();
        client.async.repositoryModelLoad(
                RepositoryModelLoadRequest.newBuilder().setModelName("echo").build(), observer(answer));
        Awaitility.await()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10))
                .atMost(Duration.ofSeconds(3))
                .until(() -> index(false).get(0).getState().equals("LOADING"));
        assertThat(answer).isNotDone();
        assertStatus(() -> ready("echo"), Status.Code.UNAVAILABLE, "is not at ready state");
        assertThat(client.blocking
                        .serverReady(ServerReadyRequest.getDefaultInstance())
                        .getReady())
                .isFalse();
        answer.join();
        assertThat(index(false).get(0).getState()).isEqualTo("READY");
        assertThat(ready("echo")).isTrue();
    }

    @Test
    void failedLoadIsInternalWithItsReasonInTheIndex() {
        server.failNextLoad("out of GPU memory");
        assertStatus(() -> load("echo"), Status.Code.INTERNAL, "load failed for model 'echo'");
        assertThat(index(false))
                .extracting(ModelIndex::getState, ModelIndex::getReason)
                .containsExactly(tuple("UNAVAILABLE", "out of GPU memory"));
        assertStatus(() -> ready("echo"), Status.Code.NOT_FOUND, "has no available versions");
        load("echo"); // the next attempt succeeds
        assertThat(ready("echo")).isTrue();
    }

    @Test
    void unloadedModelIsNotFoundToCalls() {
        load("echo");
        unload("echo");
        assertThat(index(false))
                .extracting(ModelIndex::getState, ModelIndex::getReason)
                .containsExactly(tuple("UNAVAILABLE", "unloaded"));
        assertStatus(() -> ready("echo"), Status.Code.NOT_FOUND, "has no available versions");
        unload("echo"); // again: a no-op
        load("echo");
        assertThat(ready("echo")).isTrue();
    }

    @Test
    void unknownModelFailsToPoll() {
        assertStatus(
                () -> load("nope"),
                Status.Code.INTERNAL,
                "failed to load 'nope', failed to poll from model repository");
        assertStatus(() -> unload("nope"), Status.Code.INTERNAL, "failed to unload 'nope'");
        assertStatus(
                () -> client.blocking.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                        .setRepositoryName("models")
                        .setModelName("echo")
                        .build()),
                Status.Code.UNIMPLEMENTED,
                "");
    }

    private static <T> StreamObserver<T> observer(CompletableFuture<T> f) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                f.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                f.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
        };
    }
}
