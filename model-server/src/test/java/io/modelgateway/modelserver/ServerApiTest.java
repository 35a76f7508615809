package io.modelgateway.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import inference.DataType;
import inference.ModelConfig;
import inference.ModelConfigRequest;
import inference.ModelInput;
import inference.ModelMetadataRequest;
import inference.ModelMetadataResponse;
import inference.ModelOutput;
import inference.ModelReadyRequest;
import inference.RepositoryIndexRequest;
import inference.RepositoryIndexResponse.ModelIndex;
import inference.RepositoryModelLoadRequest;
import inference.ServerLiveRequest;
import inference.ServerMetadataRequest;
import inference.ServerMetadataResponse;
import inference.ServerReadyRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServerApiTest {

    private static ModelServer server;
    private static TestClient client;

    @BeforeAll
    static void start() {
        server = ModelServer.builder().port(0).start();
        client = new TestClient(server);
        assertThat(server.awaitEmbeddingsLoaded(Duration.ofSeconds(60))).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
    }

    @Test
    void serverIsLiveReadyAndDescribesItself() {
        assertThat(client.blocking
                        .serverLive(ServerLiveRequest.getDefaultInstance())
                        .getLive())
                .isTrue();
        assertThat(client.blocking
                        .serverReady(ServerReadyRequest.getDefaultInstance())
                        .getReady())
                .isTrue();
        ServerMetadataResponse metadata = client.blocking.serverMetadata(ServerMetadataRequest.getDefaultInstance());
        assertThat(metadata.getName()).isEqualTo("model-server");
        assertThat(metadata.getExtensionsList()).contains("model_repository", "model_configuration");
        assertThat(server.target()).isEqualTo("127.0.0.1:" + server.port());
    }

    @Test
    void repositoryIndexListsBothModelsReady() {
        for (boolean readyOnly : new boolean[] {false, true}) {
            List<ModelIndex> models = client.blocking
                    .repositoryIndex(RepositoryIndexRequest.newBuilder()
                            .setReady(readyOnly)
                            .build())
                    .getModelsList();
            assertThat(models)
                    .extracting(ModelIndex::getName, ModelIndex::getVersion, ModelIndex::getState)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("echo", "1", "READY"),
                            org.assertj.core.groups.Tuple.tuple("all-minilm-l6-v2", "1", "READY"));
        }
        assertStatus(
                () -> client.blocking.repositoryIndex(RepositoryIndexRequest.newBuilder()
                        .setRepositoryName("models")
                        .build()),
                Status.Code.UNIMPLEMENTED,
                "");
    }

    @Test
    void modelReadyFollowsTriton() {
        assertThat(ready("echo", "")).isTrue();
        assertThat(ready("echo", "1")).isTrue();
        assertThat(ready("all-minilm-l6-v2", "")).isTrue();
        assertStatus(() -> ready("nope", ""), Status.Code.NOT_FOUND, "Request for unknown model: 'nope' is not found");
        assertStatus(() -> ready("echo", "latest"), Status.Code.INVALID_ARGUMENT, "latest");
        assertStatus(() -> ready("echo", "2"), Status.Code.NOT_FOUND, "version 2");
    }

    @Test
    void echoConfigIsAVllmDecoupledModel() {
        ModelConfig config = config("echo");
        assertThat(config.getName()).isEqualTo("echo");
        assertThat(config.getBackend()).isEqualTo("vllm");
        assertThat(config.getMaxBatchSize()).isZero();
        assertThat(config.getModelTransactionPolicy().getDecoupled()).isTrue();
        assertThat(config.getInputList())
                .extracting(ModelInput::getName, ModelInput::getDataType, ModelInput::getOptional)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("text_input", DataType.TYPE_STRING, false),
                        org.assertj.core.groups.Tuple.tuple("stream", DataType.TYPE_BOOL, true),
                        org.assertj.core.groups.Tuple.tuple("sampling_parameters", DataType.TYPE_STRING, true),
                        org.assertj.core.groups.Tuple.tuple("exclude_input_in_output", DataType.TYPE_BOOL, true),
                        org.assertj.core.groups.Tuple.tuple("return_finish_reason", DataType.TYPE_BOOL, true),
                        org.assertj.core.groups.Tuple.tuple("return_num_input_tokens", DataType.TYPE_BOOL, true),
                        org.assertj.core.groups.Tuple.tuple("return_num_output_tokens", DataType.TYPE_BOOL, true));
        assertThat(config.getInputList())
                .allSatisfy(in -> assertThat(in.getDimsList()).containsExactly(1L));
        assertThat(config.getOutputList())
                .extracting(ModelOutput::getName, ModelOutput::getDataType, ModelOutput::getDimsList)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("text_output", DataType.TYPE_STRING, List.of(-1L)),
                        org.assertj.core.groups.Tuple.tuple("finish_reason", DataType.TYPE_STRING, List.of(1L)),
                        org.assertj.core.groups.Tuple.tuple("num_input_tokens", DataType.TYPE_UINT32, List.of(1L)),
                        org.assertj.core.groups.Tuple.tuple("num_output_tokens", DataType.TYPE_UINT32, List.of(1L)));
    }

    @Test
    void embeddingConfigIsABatchingOnnxModel() {
        ModelConfig config = config("all-minilm-l6-v2");
        assertThat(config.getBackend()).isEqualTo("onnxruntime");
        assertThat(config.getPlatform()).isEqualTo("onnxruntime_onnx");
        assertThat(config.getMaxBatchSize()).isEqualTo(64);
        assertThat(config.getModelTransactionPolicy().getDecoupled()).isFalse();
        assertThat(config.getInput(0).getName()).isEqualTo("text_input");
        assertThat(config.getInput(0).getDataType()).isEqualTo(DataType.TYPE_STRING);
        assertThat(config.getOutputList())
                .extracting(ModelOutput::getName, ModelOutput::getDataType, ModelOutput::getDimsList)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("embedding", DataType.TYPE_FP32, List.of(384L)),
                        org.assertj.core.groups.Tuple.tuple("num_input_tokens", DataType.TYPE_INT32, List.of(1L)));
        assertStatus(() -> config("nope"), Status.Code.NOT_FOUND, "unknown model");
    }

    @Test
    void metadataUsesWireDatatypesAndBatchDimension() {
        ModelMetadataResponse echo = metadata("echo");
        assertThat(echo.getPlatform()).isEqualTo("vllm");
        assertThat(echo.getVersionsList()).containsExactly("1");
        assertThat(echo.getInputsList())
                .extracting(t -> t.getName() + ":" + t.getDatatype() + ":" + t.getShapeList())
                .contains("text_input:BYTES:[1]", "stream:BOOL:[1]");
        assertThat(echo.getOutputsList())
                .extracting(t -> t.getName() + ":" + t.getDatatype() + ":" + t.getShapeList())
                .containsExactly(
                        "text_output:BYTES:[-1]",
                        "finish_reason:BYTES:[1]",
                        "num_input_tokens:UINT32:[1]",
                        "num_output_tokens:UINT32:[1]");

        ModelMetadataResponse minilm = metadata("all-minilm-l6-v2");
        assertThat(minilm.getPlatform()).isEqualTo("onnxruntime_onnx");
        assertThat(minilm.getInputsList())
                .extracting(t -> t.getName() + ":" + t.getDatatype() + ":" + t.getShapeList())
                .containsExactly("text_input:BYTES:[-1, 1]");
        assertThat(minilm.getOutputsList())
                .extracting(t -> t.getName() + ":" + t.getDatatype() + ":" + t.getShapeList())
                .containsExactly("embedding:FP32:[-1, 384]", "num_input_tokens:INT32:[-1, 1]");
        assertStatus(() -> metadata("nope"), Status.Code.NOT_FOUND, "unknown model");
    }

    @Test
    void repositoryLoadIsRefusedWithoutExplicitModelControl() {
        assertStatus(
                () -> client.blocking.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                        .setModelName("echo")
                        .build()),
                Status.Code.UNAVAILABLE,
                "explicit model load / unload is not allowed");
    }

    private static boolean ready(String name, String version) {
        return client.blocking
                .modelReady(ModelReadyRequest.newBuilder()
                        .setName(name)
                        .setVersion(version)
                        .build())
                .getReady();
    }

    private static ModelConfig config(String name) {
        return client.blocking
                .modelConfig(ModelConfigRequest.newBuilder().setName(name).build())
                .getConfig();
    }

    private static ModelMetadataResponse metadata(String name) {
        return client.blocking.modelMetadata(
                ModelMetadataRequest.newBuilder().setName(name).build());
    }

    static void assertStatus(ThrowingCallable call, Status.Code code, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(messagePart);
        });
    }
}
