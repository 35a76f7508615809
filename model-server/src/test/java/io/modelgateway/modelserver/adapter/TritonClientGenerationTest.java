package io.modelgateway.modelserver.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ModelStreamInferResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.modelgateway.inference.GenerationRequest;
import io.modelgateway.inference.TensorNames;
import io.modelgateway.inference.TokenCounter;
import io.modelgateway.inference.TokenUsage;
import io.modelgateway.inference.TritonClient;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TritonClient#generate} against the real {@link ModelServer} over a real Netty channel on loopback:
 * the vLLM tensor layout, BYTES encoding, usage and finish reasons as the server reports them, the empty
 * final response, and many generations multiplexed on one channel.
 */
class TritonClientGenerationTest {

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

    @Test
    void streamsOneDeltaPerWordInOrderWithTheBackendsUsage() {
        RecordingListener l = new RecordingListener();
        client.generate(request("s1", "the quick  brown\tfox\njumps", 100, true), l);

        RecordingListener.End end = l.awaitCompletion();

        assertThat(l.texts()).containsExactly("the", " quick", " brown", " fox", " jumps");
        assertThat(l.deltas()).allSatisfy(d -> assertThat(d.outputTokens()).isEqualTo(1));
        assertThat(l.text()).isEqualTo("the quick brown fox jumps");
        assertThat(end.finishReason()).isEqualTo("stop");
        // the backend's counts, not the local tiktoken estimate
        assertThat(end.usage()).isEqualTo(new TokenUsage(5, 5, false));
        assertThat(l.completions()).isEqualTo(1);
        assertThat(l.errors()).isZero();
    }

    @Test
    void maxTokensCutsTheGenerationWithFinishReasonLength() {
        RecordingListener l = new RecordingListener();
        client.generate(request("s2", "one two three four five six seven eight nine ten", 4, true), l);

        RecordingListener.End end = l.awaitCompletion();

        assertThat(l.texts()).containsExactly("one", " two", " three", " four");
        assertThat(end.finishReason()).isEqualTo("length");
        assertThat(end.usage()).isEqualTo(new TokenUsage(10, 4, false));
    }

    /**
     * Exactly max_tokens words: the echo model runs out of words (its "EOS") and says "stop"; the adapter
     * keeps the backend's reason rather than inferring "length" from completion tokens == max_tokens.
     */
    @Test
    void theBackendsFinishReasonWinsOverTheTokenCount() {
        RecordingListener l = new RecordingListener();
        client.generate(request("s3", "alpha beta gamma", 3, true), l);

        RecordingListener.End end = l.awaitCompletion();

        assertThat(l.text()).isEqualTo("alpha beta gamma");
        assertThat(end.finishReason()).isEqualTo("stop");
        assertThat(end.usage()).isEqualTo(new TokenUsage(3, 3, false));
    }

    @Test
    void nonStreamingReturnsTheWholeTextInOneDeltaWithTheSameUsage() {
        RecordingListener l = new RecordingListener();
        client.generate(request("n1", "the quick  brown\tfox\njumps", 100, false), l);

        RecordingListener.End end = l.awaitCompletion();

        assertThat(l.deltas()).containsExactly(new RecordingListener.Delta("the quick brown fox jumps", 5));
        assertThat(end.finishReason()).isEqualTo("stop");
        assertThat(end.usage()).isEqualTo(new TokenUsage(5, 5, false));
        assertThat(l.completions()).isEqualTo(1);
        assertThat(l.errors()).isZero();
    }

    @Test
    void nonStreamingCutByMaxTokens() {
        RecordingListener l = new RecordingListener();
        client.generate(request("n2", "one two three four five six", 2, false), l);

        RecordingListener.End end = l.awaitCompletion();

        assertThat(l.deltas()).containsExactly(new RecordingListener.Delta("one two", 2));
        assertThat(end.finishReason()).isEqualTo("length");
        assertThat(end.usage()).isEqualTo(new TokenUsage(6, 2, false));
    }

    /** UTF-8 in BYTES tensors both ways: 2-, 3- and 4-byte sequences, a ZWJ sequence, combining marks. */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void nonAsciiTextRoundTripsByteExactly(boolean stream) {
        String prompt = "héllo 世界 🚀 naïve 👩‍💻 e\u0301";
        List<String> words = List.of("héllo", "世界", "🚀", "naïve", "👩‍💻", "e\u0301");
        RecordingListener l = new RecordingListener();
        client.generate(request("u-" + stream, prompt, 100, stream), l);

        RecordingListener.End end = l.awaitCompletion();

        String expected = String.join(" ", words);
        assertThat(l.text().getBytes(StandardCharsets.UTF_8)).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
        if (stream) {
            assertThat(l.texts()).containsExactly("héllo", " 世界", " 🚀", " naïve", " 👩‍💻", " e\u0301");
        } else {
            assertThat(l.texts()).containsExactly(expected);
        }
        assertThat(end.usage()).isEqualTo(new TokenUsage(6, 6, false));
    }

    /**
     * The adapter always asks for {@code triton_enable_empty_final_response}, so the server flags no content
     * response as final and ends each request with an extra empty response. Seen on the wire (an interceptor
     * on the real channel), the listener ends exactly once, on that empty response, and the gRPC call then
     * closes with OK: the adapter half-closed its one-request stream, and the close raised no second end.
     */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void theEmptyFinalResponseEndsTheGenerationExactlyOnce(boolean stream) throws Exception {
        WireTap tap = new WireTap();
        ManagedChannel channel = NettyChannelBuilder.forTarget(server.target())
                .usePlaintext()
                .directExecutor()
                .intercept(tap)
                .build();
        try (TritonClient tapped = TritonClient.of(channel, TokenCounter.cl100k())) {
            RecordingListener l = new RecordingListener();
            tapped.generate(request("ef-" + stream, "a b c", 16, stream), l);

            Status closed = tap.closed.get(10, TimeUnit.SECONDS);

            assertThat(closed.getCode()).isEqualTo(Status.Code.OK);
            assertThat(l.completions()).isEqualTo(1);
            assertThat(l.errors()).isZero();
            assertThat(l.callbacksAfterEnd()).isZero();
            assertThat(l.text()).isEqualTo("a b c");
            assertThat(l.awaitEnd().usage()).isEqualTo(new TokenUsage(3, 3, false));

            assertThat(tap.sent).hasSize(1);
            assertThat(tap.sent
                            .get(0)
                            .getParametersMap()
                            .get(TensorNames.ENABLE_EMPTY_FINAL_RESPONSE)
                            .getBoolParam())
                    .isTrue();
            List<ModelInferResponse> received = tap.received.stream()
                    .map(ModelStreamInferResponse::getInferResponse)
                    .toList();
            assertThat(received).hasSize(stream ? 4 : 2);
            ModelInferResponse last = received.get(received.size() - 1);
            assertThat(last.getOutputsCount()).isZero();
            assertThat(last.getParametersMap().get(TensorNames.FINAL_RESPONSE).getBoolParam())
                    .isTrue();
            assertThat(received.subList(0, received.size() - 1))
                    .allSatisfy(r -> assertThat(r.getParametersMap()
                                    .get(TensorNames.FINAL_RESPONSE)
                                    .getBoolParam())
                            .isFalse());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * 200 generations from 8 threads on one client (one channel, one stream each), against a server slow enough
     * (50 ms to the first token) that they overlap: every listener gets exactly its own words, usage and finish.
     */
    @Test
    void manyConcurrentGenerationsOnOneClientKeepTheirOwnText() throws Exception {
        int n = 200;
        try (ModelServer slow = ModelServer.builder()
                        .port(0)
                        .embeddings(false)
                        .echoSettings(new EchoSettings(Duration.ofMillis(50), 200))
                        .start();
                TritonClient shared = TritonClient.connect(slow.target())) {
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger maxInFlight = new AtomicInteger();
            List<RecordingListener> listeners = new ArrayList<>();
            List<GenerationRequest> requests = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                int words = i % 7 + 1;
                String prompt = IntStream.range(0, words)
                        .mapToObj(k -> "r" + id + "w" + k)
                        .collect(Collectors.joining(" "));
                requests.add(request("c" + i, prompt, i % 5 == 0 ? 2 : 16, true));
                listeners.add(new RecordingListener());
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> submitted = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    GenerationRequest req = requests.get(i);
                    RecordingListener l = listeners.get(i);
                    submitted.add(pool.submit(() -> {
                        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        shared.generate(req, new CountingListener(l, inFlight));
                    }));
                }
                for (Future<?> f : submitted) {
                    f.get(10, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdown();
            }

            for (int i = 0; i < n; i++) {
                int id = i;
                RecordingListener l = listeners.get(i);
                RecordingListener.End end = l.awaitCompletion();
                int words = i % 7 + 1;
                int max = i % 5 == 0 ? 2 : 16;
                int produced = Math.min(words, max);
                String expected = IntStream.range(0, produced)
                        .mapToObj(k -> "r" + id + "w" + k)
                        .collect(Collectors.joining(" "));
                assertThat(l.text()).as("text of request %d", i).isEqualTo(expected);
                assertThat(l.deltas()).as("deltas of request %d", i).hasSize(produced);
                assertThat(end.usage()).as("usage of request %d", i).isEqualTo(new TokenUsage(words, produced, false));
                assertThat(end.finishReason()).as("finish of request %d", i).isEqualTo(words > max ? "length" : "stop");
                assertThat(l.completions() + l.errors()).isEqualTo(1);
            }
            assertThat(slow.startedRequests()).isEqualTo(n);
            assertThat(maxInFlight.get()).as("generations in flight at once").isGreaterThan(1);
        }
    }

    static GenerationRequest request(String id, String prompt, int maxTokens, boolean stream) {
        return new GenerationRequest(id, ModelServer.ECHO_MODEL, prompt, maxTokens, stream, Map.of());
    }

    /** Forwards to a recorder and tracks how many generations are in flight. */
    private record CountingListener(RecordingListener delegate, AtomicInteger inFlight)
            implements io.modelgateway.inference.GenerationListener {

        @Override
        public void onDelta(String text, int outputTokens) {
            delegate.onDelta(text, outputTokens);
        }

        @Override
        public void onComplete(String finishReason, TokenUsage usage) {
            inFlight.decrementAndGet();
            delegate.onComplete(finishReason, usage);
        }

        @Override
        public void onError(io.modelgateway.inference.InferenceException error, TokenUsage usageSoFar) {
            inFlight.decrementAndGet();
            delegate.onError(error, usageSoFar);
        }
    }

    /** Records what one ModelStreamInfer call sends and receives, and how it closes. */
    private static final class WireTap implements ClientInterceptor {

        final List<ModelInferRequest> sent = new CopyOnWriteArrayList<>();
        final List<ModelStreamInferResponse> received = new CopyOnWriteArrayList<>();
        final CompletableFuture<Status> closed = new CompletableFuture<>();

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    super.start(
                            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                                @Override
                                public void onMessage(R message) {
                                    if (message instanceof ModelStreamInferResponse r) {
                                        received.add(r);
                                    }
                                    super.onMessage(message);
                                }

                                @Override
                                public void onClose(Status status, Metadata trailers) {
                                    super.onClose(status, trailers);
                                    closed.complete(status);
                                }
                            },
                            headers);
                }

                @Override
                public void sendMessage(Q message) {
                    if (message instanceof ModelInferRequest r) {
                        sent.add(r);
                    }
                    super.sendMessage(message);
                }
            };
        }
    }
}
