package io.modelgateway.modelserver.adapter;

import static io.modelgateway.modelserver.adapter.TritonClientGenerationTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelgateway.inference.GenerationCall;
import io.modelgateway.inference.TokenUsage;
import io.modelgateway.inference.TritonClient;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link GenerationCall#cancel} against the real server: each generation is its own ModelStreamInfer call, so
 * cancelling it cancels that one request on the server while the shared channel keeps working.
 */
class TritonClientCancellationTest {

    /** 1000 words at 20 tokens/s: 50 s if nothing stopped it. */
    static final String LONG_PROMPT =
            IntStream.range(0, 1000).mapToObj(i -> "t" + i).collect(Collectors.joining(" "));

    private static ModelServer server;
    private static TritonClient client;

    @BeforeAll
    static void start() {
        server = ModelServer.builder()
                .port(0)
                .embeddings(false)
                .echoSettings(new EchoSettings(Duration.ZERO, 20))
                .start();
        client = TritonClient.connect(server.target());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    /**
     * Cancel after the first delta: the server counts the request as cancelled (the RST_STREAM reached it), the
     * listener hears nothing more, and a next generation on the same client works.
     *
     * <p>"Nothing more" allows one delta: a response whose {@code onMessage} had already passed the adapter's
     * {@code done} check on the event loop when {@code cancel} ran on the test thread may still be delivered.
     * onComplete/onError must never come: a caller-cancelled generation ends silently.
     */
    @Test
    void cancelReachesTheServerAndSilencesTheListener() {
        long cancelledBefore = server.cancelledRequests();
        long startedBefore = server.startedRequests();
        RecordingListener first = new RecordingListener();
        GenerationCall call = client.generate(request("cancel-1", LONG_PROMPT, 1000, true), first);

        assertThat(first.awaitFirstDelta().text()).isEqualTo("t0");
        call.cancel("client went away");
        int callbacksAtCancel = first.callbacks();
        call.cancel("again"); // idempotent

        await().atMost(Duration.ofSeconds(5)).until(() -> server.cancelledRequests() == cancelledBefore + 1);
        assertThat(server.startedRequests()).isEqualTo(startedBefore + 1);

        // A second generation on the same client and channel. Its responses follow any straggler of the
        // cancelled call on the same connection, so once it has ended, the first listener has seen all it
        // ever will.
        RecordingListener second = new RecordingListener();
        client.generate(request("cancel-2", "still alive", 16, true), second);
        RecordingListener.End end = second.awaitCompletion();
        assertThat(second.text()).isEqualTo("still alive");
        assertThat(end.usage()).isEqualTo(new TokenUsage(2, 2, false));
        assertThat(end.finishReason()).isEqualTo("stop");

        assertThat(first.completions()).as("onComplete after cancel").isZero();
        assertThat(first.errors()).as("onError after cancel").isZero();
        assertThat(first.callbacks())
                .as("callbacks after cancel (one racing delta allowed)")
                .isBetween(callbacksAtCancel, callbacksAtCancel + 1);
        assertThat(first.deltas()).hasSizeLessThan(10);
        assertThat(first.texts()).startsWith("t0");
        // the second request finished normally: not counted as cancelled
        assertThat(server.cancelledRequests()).isEqualTo(cancelledBefore + 1);
    }

    /** Cancelling one generation leaves the others of the same channel running to their end. */
    @Test
    void cancellingOneGenerationLeavesItsNeighboursRunning() {
        long cancelledBefore = server.cancelledRequests();
        RecordingListener victim = new RecordingListener();
        RecordingListener neighbour = new RecordingListener();
        GenerationCall call = client.generate(request("victim", LONG_PROMPT, 1000, true), victim);
        client.generate(request("neighbour", "w0 w1 w2 w3 w4 w5", 16, true), neighbour);

        victim.awaitFirstDelta();
        neighbour.awaitFirstDelta();
        call.cancel("only this one");

        RecordingListener.End end = neighbour.awaitCompletion();
        assertThat(neighbour.text()).isEqualTo("w0 w1 w2 w3 w4 w5");
        assertThat(end.usage()).isEqualTo(new TokenUsage(6, 6, false));
        await().atMost(Duration.ofSeconds(5)).until(() -> server.cancelledRequests() == cancelledBefore + 1);
        assertThat(victim.completions() + victim.errors()).isZero();
    }
}
