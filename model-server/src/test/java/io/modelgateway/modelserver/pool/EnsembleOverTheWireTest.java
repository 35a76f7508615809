package io.modelgateway.modelserver.pool;

import static io.modelgateway.modelserver.pool.Fleet.generate;
import static io.modelgateway.modelserver.pool.Fleet.request;
import static io.modelgateway.modelserver.pool.Fleet.words;
import static org.assertj.core.api.Assertions.assertThat;

import inference.ModelConfig;
import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.InferenceException.Kind;
import io.modelgateway.inference.Layout;
import io.modelgateway.inference.TokenUsage;
import io.modelgateway.inference.TritonClient;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TensorRT-LLM ensemble layout against the model server's {@code echo-ensemble}: detected from ModelConfig,
 * generation streamed and not, usage from INT32 counts, finish reasons, stop words, refused parameters.
 */
class EnsembleOverTheWireTest {

    private static final String ENSEMBLE = ModelServer.ECHO_ENSEMBLE_MODEL;
    private static Fleet fleet;
    private static BackendPool pool;

    @BeforeAll
    static void start() {
        fleet = Fleet.of(1, EchoSettings.fast());
        pool = BackendPool.create(fleet.config().build());
    }

    @AfterAll
    static void stop() {
        pool.close();
        fleet.close();
    }

    @Test
    void theLayoutIsDetectedFromTheModelConfig() throws Exception {
        try (TritonClient client = TritonClient.connect(fleet.server(0).target())) {
            ModelConfig config = client.modelConfig(ENSEMBLE).get();
            assertThat(config.getPlatform()).isEqualTo("ensemble");
            assertThat(config.getMaxBatchSize()).isEqualTo(8);
            assertThat(config.getModelTransactionPolicy().getDecoupled()).isTrue();
            assertThat(client.modelMetadata(ENSEMBLE).get().getInputsList())
                    .anySatisfy(t -> assertThat(t.getShapeList()).containsExactly(-1L, 1L));
            assertThat(client.detectLayout("echo").get().kind()).isEqualTo(Layout.VLLM);
        }
        assertThat(pool.layout(ENSEMBLE).get().kind()).isEqualTo(Layout.TRTLLM_ENSEMBLE);
        assertThat(pool.layout(ModelServer.ECHO_MODEL).get().kind()).isEqualTo(Layout.VLLM);
    }

    @Test
    void streamsOneDeltaPerTokenWithUsage() {
        Outcome o = generate(pool, request(ENSEMBLE, words(5), 16, true));
        Outcome.End end = o.awaitEnd();
        assertThat(end.failed()).as("%s", o).isFalse();
        assertThat(o.text()).isEqualTo("w0 w1 w2 w3 w4");
        assertThat(o.deltaCount()).isEqualTo(5);
        assertThat(end.finishReason()).isEqualTo("stop");
        assertThat(end.usage()).isEqualTo(new TokenUsage(5, 5, false));
    }

    @Test
    void answersInOnePieceWithoutEchoingThePrompt() {
        Outcome o = generate(pool, request(ENSEMBLE, words(4), 16, false));
        Outcome.End end = o.awaitEnd();
        assertThat(end.failed()).as("%s", o).isFalse();
        assertThat(o.deltaCount()).isEqualTo(1);
        assertThat(o.text()).isEqualTo("w0 w1 w2 w3");
        assertThat(end.usage()).isEqualTo(new TokenUsage(4, 4, false));
        assertThat(end.finishReason()).isEqualTo("stop");
    }

    @Test
    void endsWithLengthWhenTheBudgetRunsOut() {
        for (boolean stream : new boolean[] {true, false}) {
            Outcome o = generate(pool, request(ENSEMBLE, words(10), 3, stream));
            Outcome.End end = o.awaitEnd();
            assertThat(o.text()).isEqualTo("w0 w1 w2");
            assertThat(end.finishReason()).isEqualTo("length");
            assertThat(end.usage()).isEqualTo(new TokenUsage(10, 3, false));
        }
    }

    @Test
    void sendsStopWordsAndTypedSamplingTensors() {
        Map<String, Object> sampling =
                Map.of("stop", List.of("w3", "nope"), "temperature", 0.2, "top_p", 0.95, "seed", 42L);
        Outcome o = generate(pool, request(ENSEMBLE, words(8), 16, true, sampling));
        Outcome.End end = o.awaitEnd();
        assertThat(end.failed()).as("%s", o).isFalse();
        assertThat(o.text()).isEqualTo("w0 w1 w2");
        assertThat(end.finishReason()).isEqualTo("stop");
    }

    @Test
    void refusesAParameterTheEnsembleHasNoTensorForWithoutCallingIt() {
        long started = fleet.started();
        Outcome o = generate(
                pool, request(ENSEMBLE, words(3), 16, true, Map.of("temperature", 1, "presence_penalty", 0.5)));
        Outcome.End end = o.awaitEnd();
        assertThat(end.error().kind()).isEqualTo(Kind.INVALID_REQUEST);
        assertThat(end.error().getMessage()).contains("'presence_penalty'").contains(ENSEMBLE);
        assertThat(fleet.started()).isEqualTo(started);
        assertThat(Fleet.outstanding(pool)).isZero();
    }

    @Test
    void theVllmModelStillWorksThroughThePool() {
        Outcome o =
                generate(pool, request(ModelServer.ECHO_MODEL, words(3), 16, true, Map.of("presence_penalty", 0.5)));
        Outcome.End end = o.awaitEnd();
        assertThat(end.failed()).as("%s", o).isFalse();
        assertThat(o.text()).isEqualTo("w0 w1 w2");
        assertThat(end.usage()).isEqualTo(new TokenUsage(3, 3, false));
    }
}
