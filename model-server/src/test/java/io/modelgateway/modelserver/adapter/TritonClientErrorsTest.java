package io.modelgateway.modelserver.adapter;

import static io.modelgateway.modelserver.adapter.TritonClientGenerationTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.modelgateway.inference.EmbeddingRequest;
import io.modelgateway.inference.GenerationRequest;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.InferenceException.Kind;
import io.modelgateway.inference.TokenUsage;
import io.modelgateway.inference.TritonClient;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How the adapter classifies the real server's failures: in-stream errors, gRPC statuses, dead transports. */
class TritonClientErrorsTest {

    private static ModelServer server;
    private static TritonClient client;

    @BeforeAll
    static void start() {
        server = ModelServer.builder()
                .port(0)
                .embeddings(false)
                .echoSettings(EchoSettings.fast())
                .start();
        client = TritonClient.connect(server.target());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    /** The server reports it as a stream error message ("Request for unknown model: 'nope' is not found"). */
    @Test
    void unknownModelFailsWithModelNotFound() {
        RecordingListener l = new RecordingListener();
        client.generate(new GenerationRequest("nf-1", "nope", "hello there", 16, true, Map.of()), l);

        InferenceException e = l.awaitError();

        assertThat(e.kind()).isEqualTo(Kind.MODEL_NOT_FOUND);
        assertThat(e.requestId()).isEqualTo("nf-1");
        assertThat(e.getMessage()).contains("nope");
        assertThat(l.completions()).isZero();
        assertThat(l.errors()).isEqualTo(1);
        assertThat(l.deltas()).isEmpty();
        // nothing was generated; the backend sent no counts, so the prompt is estimated locally
        assertThat(l.awaitEnd().usage().completionTokens()).isZero();
        assertThat(l.awaitEnd().usage().estimated()).isTrue();

        // the failed request's call is gone, the channel is not: the next generation works
        RecordingListener next = new RecordingListener();
        client.generate(request("nf-2", "fine now", 16, true), next);
        assertThat(next.awaitCompletion().usage()).isEqualTo(new TokenUsage(2, 2, false));
        assertThat(l.callbacksAfterEnd()).isZero();
    }

    /**
     * ModelInfer on a decoupled model is UNIMPLEMENTED in Triton (and in the model server); the adapter maps
     * UNIMPLEMENTED to {@link Kind#BACKEND_ERROR} (its default branch) and keeps the server's message.
     */
    @Test
    void embedOnTheDecoupledEchoModelFailsWithBackendError() {
        CompletableFuture<?> f = client.embed(new EmbeddingRequest("emb-echo", ModelServer.ECHO_MODEL, List.of("hi")));

        InferenceException e = failure(() -> f.get(10, TimeUnit.SECONDS));

        assertThat(e.kind()).isEqualTo(Kind.BACKEND_ERROR);
        assertThat(e.requestId()).isEqualTo("emb-echo");
        assertThat(e.getMessage()).contains("decoupled");
    }

    @Test
    void embedOnAModelTheServerDoesNotHaveFailsWithModelNotFound() {
        // this server runs without embeddings
        CompletableFuture<?> f =
                client.embed(new EmbeddingRequest("emb-none", ModelServer.EMBEDDING_MODEL, List.of("hi")));

        InferenceException e = failure(() -> f.get(10, TimeUnit.SECONDS));

        assertThat(e.kind()).isEqualTo(Kind.MODEL_NOT_FOUND);
        assertThat(e.requestId()).isEqualTo("emb-none");
    }

    /**
     * The server goes away mid-generation: {@link ModelServer#close()} stops taking calls, waits its 3 s grace
     * period, then cuts the running call. The listener gets one onError (UNAVAILABLE or CANCELLED, whichever
     * way the transport reports the cut) with the usage of what it had received, as the backend counted it.
     */
    @Test
    void serverClosedMidStreamFailsTheGeneration() throws Exception {
        ModelServer dying = ModelServer.builder()
                .port(0)
                .embeddings(false)
                .echoSettings(new EchoSettings(Duration.ZERO, 20))
                .start();
        try (TritonClient c = TritonClient.connect(dying.target())) {
            RecordingListener l = new RecordingListener();
            c.generate(request("dying", TritonClientCancellationTest.LONG_PROMPT, 1000, true), l);
            l.awaitFirstDelta();

            CompletableFuture<Void> closing = CompletableFuture.runAsync(dying::close);
            InferenceException e = l.awaitError();

            assertThat(e.kind()).isIn(Kind.UNAVAILABLE, Kind.CANCELLED);
            assertThat(e.requestId()).isEqualTo("dying");
            assertThat(l.completions()).isZero();
            assertThat(l.errors()).isEqualTo(1);
            TokenUsage soFar = l.awaitEnd().usage();
            assertThat(soFar.estimated()).isFalse();
            assertThat(soFar.promptTokens()).isEqualTo(1000);
            assertThat(soFar.completionTokens()).isEqualTo(l.deltas().size()).isBetween(1, 999);
            closing.get(10, TimeUnit.SECONDS);
            System.out.println("server closed mid-stream: " + e.kind() + " (" + e.getMessage() + ")");
        } finally {
            dying.close();
        }
    }

    /** Connection refused on every call kind: generation, embeddings, readiness, index. */
    @Test
    void nothingListeningIsUnavailable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (TritonClient c = TritonClient.connect("127.0.0.1:" + port)) {
            RecordingListener l = new RecordingListener();
            c.generate(request("nobody", "hello", 16, true), l);
            InferenceException e = l.awaitError();
            assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(e.requestId()).isEqualTo("nobody");
            assertThat(l.completions()).isZero();
            assertThat(l.deltas()).isEmpty();

            assertThat(failure(() -> c.serverReady().get(10, TimeUnit.SECONDS)).kind())
                    .isEqualTo(Kind.UNAVAILABLE);
            assertThat(failure(() -> c.repositoryIndex().get(10, TimeUnit.SECONDS))
                            .kind())
                    .isEqualTo(Kind.UNAVAILABLE);
            assertThat(failure(() -> c.embed(new EmbeddingRequest("e", ModelServer.EMBEDDING_MODEL, List.of("x")))
                                    .get(10, TimeUnit.SECONDS))
                            .kind())
                    .isEqualTo(Kind.UNAVAILABLE);
        }
    }

    /** The InferenceException a future failed with (unwrapped from the ExecutionException). */
    static InferenceException failure(ThrowingCallable get) {
        Throwable t = catchThrowable(get);
        assertThat(t).isInstanceOf(ExecutionException.class).cause().isInstanceOf(InferenceException.class);
        return (InferenceException) t.getCause();
    }
}
