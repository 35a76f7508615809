package io.modelgateway.modelserver.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.EmbeddingRequest;
import io.modelgateway.inference.EmbeddingResult;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.InferenceException.Kind;
import io.modelgateway.inference.PoolConfig;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Embedding batches take the same replica choice and retries as generations. */
class EmbeddingsThroughThePoolTest {

    @Test
    void anEmbeddingIsRetriedOnAnotherReplicaAfterUnavailable() throws Exception {
        ModelServer a =
                ModelServer.builder().port(0).echoSettings(EchoSettings.fast()).start();
        ModelServer b =
                ModelServer.builder().port(0).echoSettings(EchoSettings.fast()).start();
        try (a;
                b;
                BackendPool pool = BackendPool.create(PoolConfig.builder("emb", List.of(a.target(), b.target()))
                        .maxAttempts(2)
                        .build())) {
            assertThat(a.awaitEmbeddingsLoaded(Duration.ofSeconds(30))).isTrue();
            assertThat(b.awaitEmbeddingsLoaded(Duration.ofSeconds(30))).isTrue();
            a.failNext(1000, Status.Code.UNAVAILABLE);
            EmbeddingRequest request =
                    new EmbeddingRequest("emb-1", ModelServer.EMBEDDING_MODEL, List.of("the cat sat", "on the mat"));
            for (int i = 0; i < 4; i++) {
                EmbeddingResult result = pool.embed(request, Fleet.TOKENS).get(10, TimeUnit.SECONDS);
                assertThat(result.vectors()).hasSize(2);
                assertThat(result.dimensions()).isEqualTo(384);
                assertThat(result.usage().promptTokens()).isPositive();
            }
            assertThat(b.startedRequests()).isEqualTo(4);
            a.failNext(0, Status.Code.OK);

            a.failNext(1, Status.Code.INVALID_ARGUMENT);
            b.failNext(1, Status.Code.INVALID_ARGUMENT);
            assertThatThrownBy(() -> pool.embed(request, Fleet.TOKENS).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOfSatisfying(
                            InferenceException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST));
        }
    }
}
