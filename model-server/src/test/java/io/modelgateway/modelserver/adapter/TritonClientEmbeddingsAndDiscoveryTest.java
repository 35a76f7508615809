package io.modelgateway.modelserver.adapter;

import static io.modelgateway.modelserver.adapter.TritonClientErrorsTest.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelgateway.inference.EmbeddingRequest;
import io.modelgateway.inference.EmbeddingResult;
import io.modelgateway.inference.InferenceException.Kind;
import io.modelgateway.inference.ModelStatus;
import io.modelgateway.inference.TokenUsage;
import io.modelgateway.inference.TritonClient;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link TritonClient#embed} against the real all-MiniLM-L6-v2 model, and the discovery and readiness calls
 * the gateway's health checks use.
 */
class TritonClientEmbeddingsAndDiscoveryTest {

    private static final String CAT = "A cat sat on the mat";
    private static final String KITTEN = "A kitten was sitting on the rug";
    private static final String STOCKS = "Stock markets fell sharply today";

    private static ModelServer server;
    private static TritonClient client;
    /** The embedding model's state in the index before loading finished: LOADING, or READY if already loaded. */
    private static String stateWhileLoading;

    @BeforeAll
    static void start() throws Exception {
        server = ModelServer.builder()
                .port(0)
                .embeddings(true)
                .echoSettings(EchoSettings.fast())
                .start();
        client = TritonClient.connect(server.target());
        stateWhileLoading = client.repositoryIndex().get(10, TimeUnit.SECONDS).stream()
                .filter(m -> m.name().equals(ModelServer.EMBEDDING_MODEL))
                .findFirst()
                .orElseThrow()
                .state();
        assertThat(server.awaitEmbeddingsLoaded(Duration.ofSeconds(60)))
                .as("embeddings loaded")
                .isTrue();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @Test
    void embedsABatchInInputOrderWithTheServersTokenCounts() throws Exception {
        EmbeddingResult batch = embed("b1", CAT, KITTEN, STOCKS);

        assertThat(batch.vectors()).hasSize(3);
        assertThat(batch.dimensions()).isEqualTo(384);
        assertThat(batch.vectors()).allSatisfy(v -> {
            assertThat(v).hasSize(384);
            assertThat(dot(v, v)).isCloseTo(1.0, within(1e-3));
        });
        // semantic ordering: cat~kitten closer than cat~stock market
        float[] cat = batch.vectors().get(0);
        assertThat(dot(cat, batch.vectors().get(1)))
                .isGreaterThan(dot(cat, batch.vectors().get(2)) + 0.2);

        // usage is the server's per-text counts summed, not the local tiktoken estimate
        EmbeddingResult one = embed("s1", CAT);
        EmbeddingResult two = embed("s2", KITTEN);
        EmbeddingResult three = embed("s3", STOCKS);
        assertThat(one.usage()).isEqualTo(new TokenUsage(6, 0, false)); // WordPiece: a cat sat on the mat
        assertThat(two.usage().promptTokens()).isPositive();
        assertThat(three.usage().promptTokens()).isPositive();
        assertThat(batch.usage())
                .isEqualTo(new TokenUsage(
                        one.usage().promptTokens()
                                + two.usage().promptTokens()
                                + three.usage().promptTokens(),
                        0,
                        false));

        // the flat [3, 384] tensor is split in input order: each batch row is its text's own embedding
        assertThat(dot(batch.vectors().get(0), one.vectors().get(0))).isGreaterThan(0.999);
        assertThat(dot(batch.vectors().get(1), two.vectors().get(0))).isGreaterThan(0.999);
        assertThat(dot(batch.vectors().get(2), three.vectors().get(0))).isGreaterThan(0.999);
    }

    @Test
    void reorderedBatchGivesReorderedVectors() throws Exception {
        EmbeddingResult forward = embed("f", CAT, STOCKS);
        EmbeddingResult backward = embed("r", STOCKS, CAT);

        assertThat(dot(forward.vectors().get(0), backward.vectors().get(1))).isGreaterThan(0.999);
        assertThat(dot(forward.vectors().get(1), backward.vectors().get(0))).isGreaterThan(0.999);
        assertThat(dot(forward.vectors().get(0), backward.vectors().get(0))).isLessThan(0.9);
        assertThat(forward.usage()).isEqualTo(backward.usage());
    }

    @Test
    void nonAsciiTextEmbeds() throws Exception {
        EmbeddingResult r = embed("u", "héllo wörld 世界 🚀", "naïve café");

        assertThat(r.vectors()).hasSize(2).allSatisfy(v -> assertThat(dot(v, v)).isCloseTo(1.0, within(1e-3)));
        assertThat(r.usage().promptTokens()).isGreaterThanOrEqualTo(4);
        assertThat(r.usage().estimated()).isFalse();
    }

    @Test
    void repositoryIndexListsBothModelsReadyOnceLoaded() throws Exception {
        List<ModelStatus> index = client.repositoryIndex().get(10, TimeUnit.SECONDS);

        assertThat(index)
                .extracting(ModelStatus::name)
                .containsExactlyInAnyOrder(ModelServer.ECHO_MODEL, ModelServer.EMBEDDING_MODEL);
        assertThat(index).allSatisfy(m -> {
            assertThat(m.ready()).as("%s ready", m.name()).isTrue();
            assertThat(m.version()).isEqualTo("1");
        });
        // it loads in the background; once per JVM, so another test class may have loaded it already
        assertThat(stateWhileLoading).isIn("LOADING", "READY");
    }

    @Test
    void readiness() throws Exception {
        assertThat(client.serverReady().get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(client.modelReady(ModelServer.ECHO_MODEL).get(10, TimeUnit.SECONDS))
                .isTrue();
        assertThat(client.modelReady(ModelServer.EMBEDDING_MODEL).get(10, TimeUnit.SECONDS))
                .isTrue();
        assertThat(failure(() -> client.modelReady("nope").get(10, TimeUnit.SECONDS))
                        .kind())
                .isEqualTo(Kind.MODEL_NOT_FOUND);
    }

    /** Without embeddings only echo exists; the server is ready at once. */
    @Test
    void echoOnlyServerIsReadyAtOnceAndListsOnlyEcho() throws Exception {
        try (ModelServer echoOnly =
                        ModelServer.builder().port(0).embeddings(false).start();
                TritonClient c = TritonClient.connect(echoOnly.target())) {
            assertThat(c.serverReady().get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(c.repositoryIndex().get(10, TimeUnit.SECONDS))
                    .containsExactly(new ModelStatus(ModelServer.ECHO_MODEL, "1", "READY", ""));
            assertThat(failure(() -> c.modelReady(ModelServer.EMBEDDING_MODEL).get(10, TimeUnit.SECONDS))
                            .kind())
                    .isEqualTo(Kind.MODEL_NOT_FOUND);
        }
    }

    private static EmbeddingResult embed(String id, String... texts) throws Exception {
        return client.embed(new EmbeddingRequest(id, ModelServer.EMBEDDING_MODEL, List.of(texts)))
                .get(30, TimeUnit.SECONDS);
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
