package io.modelgateway.modelserver;

import static io.modelgateway.inference.TensorNames.EMBEDDING;
import static io.modelgateway.inference.TensorNames.NUM_INPUT_TOKENS;
import static io.modelgateway.inference.TensorNames.TEXT_INPUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ModelReadyRequest;
import inference.ModelStreamInferResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.modelgateway.inference.Tensors;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddingTest {

    private static final String MODEL = ModelServer.EMBEDDING_MODEL;
    private static ModelServer server;
    private static TestClient client;
    private static Status.Code whileLoading;

    @BeforeAll
    static void start() {
        server = ModelServer.builder().port(0).echoSettings(EchoSettings.fast()).start();
        client = new TestClient(server);
        whileLoading = readiness();
        assertThat(server.awaitEmbeddingsLoaded(Duration.ofSeconds(60))).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
    }

    /**
     * The model loads in the background (a few seconds for the first server of a JVM, at once afterwards as
     * the ONNX session is shared). Until then ModelReady and ModelInfer answer UNAVAILABLE, as Triton does for
     * a model that is not at ready state.
     */
    @Test
    void modelIsUnavailableUntilLoadedThenReady() {
        assertThat(whileLoading).isIn(Status.Code.UNAVAILABLE, Status.Code.OK);
        assertThat(readiness()).isEqualTo(Status.Code.OK);
    }

    @Test
    void embedsABatchIntoNormalizedVectors() {
        List<String> texts =
                List.of("A cat sat on the mat", "A kitten was sitting on the rug", "Stock markets fell sharply today");
        ModelInferResponse response =
                client.blocking.modelInfer(request("b1", texts).build());

        assertThat(response.getId()).isEqualTo("b1");
        assertThat(response.getModelName()).isEqualTo(MODEL);
        assertThat(response.getModelVersion()).isEqualTo("1");
        assertThat(response.getOutputsList())
                .extracting(o -> o.getName() + ":" + o.getDatatype() + ":" + o.getShapeList())
                .containsExactly("embedding:FP32:[3, 384]", "num_input_tokens:INT32:[3, 1]");
        float[] flat = Tensors.decodeFp32(Protocol.outputs(response).get(EMBEDDING));
        assertThat(flat).hasSize(3 * 384);
        float[][] v = new float[3][];
        for (int i = 0; i < 3; i++) {
            v[i] = java.util.Arrays.copyOfRange(flat, i * 384, (i + 1) * 384);
            assertThat(dot(v[i], v[i])).isCloseTo(1.0, within(1e-3));
        }
        assertThat(dot(v[0], v[1])).isGreaterThan(dot(v[0], v[2]));
        int[] tokens = Tensors.decodeInt32(Protocol.outputs(response).get(NUM_INPUT_TOKENS));
        assertThat(tokens).hasSize(3);
        assertThat(java.util.Arrays.stream(tokens).min().orElseThrow()).isPositive();
        assertThat(tokens[0]).isEqualTo(6);
    }

    @Test
    void acceptsTypedBytesContents() {
        ModelInferRequest.Builder request = Protocol.request(MODEL, "c1");
        Protocol.contentsInput(
                request,
                TEXT_INPUT,
                "BYTES",
                List.of(2L, 1L),
                InferTensorContents.newBuilder()
                        .addBytesContents(ByteString.copyFromUtf8("héllo wörld"))
                        .addBytesContents(ByteString.copyFromUtf8("second"))
                        .build());
        ModelInferResponse response = client.blocking.modelInfer(request.build());
        assertThat(Tensors.decodeFp32(Protocol.outputs(response).get(EMBEDDING)))
                .hasSize(2 * 384);
    }

    @Test
    void rejectsBadBatches() {
        ServerApiTest.assertStatus(
                () -> client.blocking.modelInfer(
                        request("big", Collections.nCopies(65, "text")).build()),
                Status.Code.INVALID_ARGUMENT,
                "batch-size must be <= 64");
        ModelInferRequest.Builder noBatchDim = Protocol.request(MODEL, "nb");
        Protocol.rawInput(noBatchDim, TEXT_INPUT, "BYTES", List.of(1L), Tensors.encodeString("x"));
        ServerApiTest.assertStatus(
                () -> client.blocking.modelInfer(noBatchDim.build()),
                Status.Code.INVALID_ARGUMENT,
                "unexpected shape for input 'text_input'");
        ServerApiTest.assertStatus(
                () -> client.blocking.modelInfer(
                        request("bl", List.of("ok", " ")).build()),
                Status.Code.INVALID_ARGUMENT,
                "text_input element 1 is empty");
        ModelInferRequest.Builder wrongType = Protocol.request(MODEL, "wt");
        Protocol.rawInput(wrongType, TEXT_INPUT, "FP32", List.of(1L, 1L), Tensors.encodeFp32(new float[] {1}));
        ServerApiTest.assertStatus(
                () -> client.blocking.modelInfer(wrongType.build()),
                Status.Code.INVALID_ARGUMENT,
                "data-type is 'FP32'");
    }

    @Test
    void streamInferGivesOneFinalResponse() throws Exception {
        TestStream stream = client.openStream();
        stream.send(request("s1", List.of("hello")).build());
        stream.halfClose();
        List<ModelStreamInferResponse> responses = stream.untilFinal();
        assertThat(stream.awaitClosed()).isEqualTo(Status.OK);
        assertThat(responses).hasSize(1);
        assertThat(Protocol.isFinal(responses.get(0))).isTrue();
        assertThat(responses.get(0).getInferResponse().getOutputs(0).getShapeList())
                .containsExactly(1L, 384L);
    }

    private static ModelInferRequest.Builder request(String id, List<String> texts) {
        return Protocol.rawInput(
                Protocol.request(MODEL, id),
                TEXT_INPUT,
                "BYTES",
                List.of((long) texts.size(), 1L),
                Tensors.encodeStrings(texts));
    }

    private static Status.Code readiness() {
        try {
            client.blocking.modelReady(
                    ModelReadyRequest.newBuilder().setName(MODEL).build());
            client.blocking.modelInfer(request("r", List.of("ready?")).build());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
