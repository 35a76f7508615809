package io.modelgateway.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.InferParameter;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ModelInferResponse.InferOutputTensor;
import inference.ModelReadyRequest;
import inference.ModelReadyResponse;
import inference.ModelStreamInferResponse;
import inference.RepositoryIndexRequest;
import inference.RepositoryIndexResponse;
import inference.ServerReadyRequest;
import inference.ServerReadyResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.modelgateway.inference.InferenceException.Kind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link TritonClient} against a scripted in-process fake of Triton's GRPCInferenceService, for the protocol
 * edge cases a real server does not produce on demand (missing counts, errors without final flag, closes).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TritonClientInProcessTest {

    private static final long WAIT = 5;
    private static final TokenCounter CL100K = TokenCounter.cl100k();

    private FakeTriton fake;
    private Server server;
    private ManagedChannel channel;
    private TritonClient client;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeTriton();
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .directExecutor()
                .addService(fake)
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        client = TritonClient.of(channel, CL100K);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        channel.shutdownNow().awaitTermination(WAIT, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(WAIT, TimeUnit.SECONDS);
        fake.scripts.shutdownNow();
        assertThat(fake.scriptFailures).as("assertions inside the fake server").isEmpty();
    }

    // ------------------------------------------------------------------ generate

    @Test
    void streamDeliversDeltasInOrderAndSumsUsage() throws Exception {
        fake.onStream((req, out) -> {
            out.send(response(req).text("Hel").inputTokens(5).outputTokens(1));
            out.send(response(req).outputTokens(2).inputTokens(99).text("lo"));
            out.send(response(req)
                    .finish("stop")
                    .text(" world")
                    .outputTokens(1)
                    .inputTokens(99)
                    .fin(true));
        });
        Recorder rec = new Recorder();
        client.generate(request("r-1", "Hello there", 16, true), rec);

        Recorder.End end = rec.end();
        assertThat(rec.deltas()).containsExactly(new Delta("Hel", 1), new Delta("lo", 2), new Delta(" world", 1));
        assertThat(end.error()).isNull();
        assertThat(end.finishReason()).isEqualTo("stop");
        assertThat(end.usage())
                .as("prompt from the first num_input_tokens, completion summed")
                .isEqualTo(new TokenUsage(5, 4, false));
        assertThat(fake.halfClosed.await(WAIT, TimeUnit.SECONDS))
                .as("client ends its side with its one request")
                .isTrue();
        rec.assertSingleTerminal();
        assertThat(rec.events)
                .as("the prompt's count is told once, before the first delta")
                .startsWith("prompt:5", "delta:Hel")
                .filteredOn(e -> e.startsWith("prompt:"))
                .hasSize(1);
    }

    @Test
    void theClientEndsItsSideWithItsOneRequest() throws Exception {
        // the backend answers only once the client's side has ended: with the end sent after the final response,
        // as before, this answer would wait for nothing and say so
        fake.onStream((req, out) -> {
            boolean ended = fake.halfClosed.await(WAIT, TimeUnit.SECONDS);
            out.send(response(req)
                    .text(ended ? "ended" : "still open")
                    .inputTokens(1)
                    .outputTokens(1)
                    .fin(true));
        });
        Recorder rec = new Recorder();
        client.generate(request("r-hc", "p", 16, true), rec);

        Recorder.End end = rec.end();
        assertThat(end.error()).isNull();
        assertThat(rec.deltas()).containsExactly(new Delta("ended", 1));
        assertThat(fake.streamEnded.await(WAIT, TimeUnit.SECONDS))
                .as("the server ends the call after the request's last response")
                .isTrue();
        rec.assertSingleTerminal();
    }

    @Test
    void requestOnTheWireIsTheVllmLayout() throws Exception {
        fake.onStream((req, out) -> out.send(response(req).fin(true)));
        Recorder rec = new Recorder();
        client.generate(new GenerationRequest("r-2", "llama", "Bonjour é", 8, false, Map.of("temperature", 0.5)), rec);
        rec.end();

        assertThat(fake.streamRequests).hasSize(1);
        ModelInferRequest req = fake.streamRequests.get(0);
        assertThat(req.getId()).isEqualTo("r-2");
        assertThat(req.getModelName()).isEqualTo("llama");
        assertThat(req.getParametersMap()
                        .get("triton_enable_empty_final_response")
                        .getBoolParam())
                .isTrue();
        assertThat(req.getInputsCount()).isEqualTo(req.getRawInputContentsCount());
        int text = indexOf(req, "text_input");
        assertThat(Tensors.decodeStrings(req.getRawInputContents(text))).containsExactly("Bonjour é");
        assertThat(Tensors.decodeBool(req.getRawInputContents(indexOf(req, "stream"))))
                .isFalse();
        assertThat(Tensors.decodeStrings(req.getRawInputContents(indexOf(req, "sampling_parameters")))
                        .get(0))
                .contains("\"max_tokens\":8")
                .contains("\"temperature\":0.5");
    }

    @Test
    void eachGenerationIsItsOwnStream() throws Exception {
        fake.onStream((req, out) -> out.send(response(req).text(req.getId()).fin(true)));
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        client.generate(request("a", "x", 4, true), a);
        client.generate(request("b", "y", 4, true), b);
        a.end();
        b.end();
        assertThat(fake.streamsOpened.get()).isEqualTo(2);
        assertThat(a.deltas()).containsExactly(new Delta("a", 0));
        assertThat(b.deltas()).containsExactly(new Delta("b", 0));
    }

    @Test
    void missingCountTensorsAreEstimatedWithTheTokenCounter() throws Exception {
        fake.onStream((req, out) -> {
            out.send(response(req).text("hello"));
            out.send(response(req).text(" world").fin(true));
        });
        Recorder rec = new Recorder();
        client.generate(request("r-3", "tiktoken is great!", 16, true), rec);

        Recorder.End end = rec.end();
        assertThat(rec.deltas()).containsExactly(new Delta("hello", 0), new Delta(" world", 0));
        assertThat(end.error()).isNull();
        assertThat(end.finishReason()).isEqualTo("stop");
        assertThat(end.usage()).isEqualTo(new TokenUsage(6, 2, true));
    }

    @Test
    void onlyOutputCountsMissingIsStillEstimated() throws Exception {
        fake.onStream((req, out) ->
                out.send(response(req).text("hello world").inputTokens(40).fin(true)));
        Recorder rec = new Recorder();
        client.generate(request("r-4", "prompt", 16, false), rec);
        assertThat(rec.end().usage()).isEqualTo(new TokenUsage(40, 2, true));
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Request for unknown model: 'x' is not found | MODEL_NOT_FOUND",
                "unexpected shape for input 'text_input' for model 'x'. Expected [1], got [1,1] | INVALID_REQUEST",
                "Exceeds maximum queue size | UNAVAILABLE",
            })
    void errorMessageWithoutFinalFlagEndsTheGeneration(String message, Kind kind) throws Exception {
        fake.onStream((req, out) -> out.send(ModelStreamInferResponse.newBuilder()
                .setErrorMessage(message)
                .setInferResponse(ModelInferResponse.newBuilder().setId(req.getId()))
                .build()));
        Recorder rec = new Recorder();
        client.generate(request("r-5", "hello world", 16, true), rec);

        Recorder.End end = rec.end();
        assertThat(end.error()).isNotNull();
        assertThat(end.error().kind()).isEqualTo(kind);
        assertThat(end.error().getMessage()).isEqualTo(message);
        assertThat(end.error().requestId()).isEqualTo("r-5");
        assertThat(end.usage()).isEqualTo(new TokenUsage(2, 0, true));
        assertThat(rec.deltas()).isEmpty();
        assertThat(fake.streamEnded.await(WAIT, TimeUnit.SECONDS))
                .as("client ends the stream")
                .isTrue();
        rec.assertSingleTerminal();
    }

    @Test
    void backendErrorAfterDeltasKeepsUsageSoFar() throws Exception {
        fake.onStream((req, out) -> {
            out.send(response(req).text("partial").inputTokens(4).outputTokens(1));
            out.send(ModelStreamInferResponse.newBuilder()
                    .setErrorMessage("Error generating stream: CUDA out of memory")
                    .setInferResponse(ModelInferResponse.newBuilder()
                            .setId(req.getId())
                            .setModelName("m")
                            .putParameters("triton_final_response", bool(true)))
                    .build());
            // anything after the error must be ignored
            out.send(response(req).text("late").fin(true));
        });
        Recorder rec = new Recorder();
        client.generate(request("r-6", "p", 16, true), rec);

        Recorder.End end = rec.end();
        assertThat(end.error().kind()).isEqualTo(Kind.BACKEND_ERROR);
        assertThat(end.usage()).isEqualTo(new TokenUsage(4, 1, false));
        assertThat(rec.deltas()).containsExactly(new Delta("partial", 1));
        rec.assertSingleTerminal();
    }

    @Test
    void serverClosingWithUnavailableFailsTheGeneration() throws Exception {
        fake.onStream((req, out) -> {
            out.send(response(req).text("ab").inputTokens(2).outputTokens(1));
            out.fail(Status.UNAVAILABLE.withDescription("Server not ready"));
        });
        Recorder rec = new Recorder();
        client.generate(request("r-7", "p", 16, true), rec);

        Recorder.End end = rec.end();
        assertThat(end.error().kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(end.error().getMessage()).isEqualTo("Server not ready");
        assertThat(end.error().requestId()).isEqualTo("r-7");
        assertThat(end.usage()).isEqualTo(new TokenUsage(2, 1, false));
        rec.assertSingleTerminal();
    }

    @Test
    void serverClosingOkWithoutFinalResponseIsABackendError() throws Exception {
        fake.onStream((req, out) -> {
            out.send(response(req).text("ab").inputTokens(2).outputTokens(1));
            out.complete();
        });
        Recorder rec = new Recorder();
        client.generate(request("r-8", "p", 16, true), rec);
        Recorder.End end = rec.end();
        assertThat(end.error()).isNotNull();
        assertThat(end.error().kind()).isEqualTo(Kind.BACKEND_ERROR);
        rec.assertSingleTerminal();
    }

    @Test
    void unreachableServerIsUnavailable() throws Exception {
        server.shutdownNow().awaitTermination(WAIT, TimeUnit.SECONDS);
        Recorder rec = new Recorder();
        client.generate(request("r-9", "p", 16, true), rec);
        Recorder.End end = rec.end();
        assertThat(end.error()).isNotNull();
        assertThat(end.error().kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void emptyFinalResponseEndsTheGeneration() throws Exception {
        fake.onStream((req, out) -> {
            out.send(response(req).text("ok").inputTokens(3).outputTokens(1).finish("stop"));
            // vLLM's flag-only final, sent by Triton as an empty response because of
            // triton_enable_empty_final_response: id, model name/version, no outputs
            out.send(ModelStreamInferResponse.newBuilder()
                    .setInferResponse(ModelInferResponse.newBuilder()
                            .setId(req.getId())
                            .setModelName(req.getModelName())
                            .setModelVersion("1")
                            .putParameters("triton_final_response", bool(true)))
                    .build());
        });
        Recorder rec = new Recorder();
        client.generate(request("r-10", "p", 16, true), rec);

        Recorder.End end = rec.end();
        assertThat(end.error()).isNull();
        assertThat(end.finishReason()).isEqualTo("stop");
        assertThat(end.usage()).isEqualTo(new TokenUsage(3, 1, false));
        assertThat(rec.deltas()).containsExactly(new Delta("ok", 1));
        rec.assertSingleTerminal();
    }

    @Test
    void responseWithFinalFalseDoesNotEndTheGeneration() throws Exception {
        fake.onStream((req, out) -> {
            out.send(response(req).text("a").inputTokens(3).outputTokens(1).fin(false));
            out.send(response(req).text("b").inputTokens(3).outputTokens(1).fin(false));
            out.send(response(req).fin(true));
        });
        Recorder rec = new Recorder();
        client.generate(request("r-11", "p", 16, true), rec);
        assertThat(rec.end().usage()).isEqualTo(new TokenUsage(3, 2, false));
        assertThat(rec.deltas()).containsExactly(new Delta("a", 1), new Delta("b", 1));
    }

    @Test
    void cancelAfterFirstDeltaCancelsTheServerCallAndSilencesTheListener() throws Exception {
        CountDownLatch scriptDone = new CountDownLatch(1);
        AtomicBoolean sawCancel = new AtomicBoolean();
        fake.onStream((req, out) -> {
            try {
                out.send(response(req).text("first").inputTokens(3).outputTokens(1));
                sawCancel.set(fake.cancelled.await(WAIT, TimeUnit.SECONDS));
                // a backend that has not noticed yet keeps producing: none of it may reach the listener
                out.trySend(response(req).text("second").outputTokens(1));
                out.trySend(response(req).text("third").outputTokens(1).fin(true));
            } finally {
                scriptDone.countDown();
            }
        });
        Recorder rec = new Recorder();
        GenerationCall call = client.generate(request("r-12", "p", 16, true), rec);

        assertThat(rec.firstDelta.get(WAIT, TimeUnit.SECONDS)).isEqualTo(new Delta("first", 1));
        call.cancel("client disconnected");
        assertThat(fake.cancelled.await(WAIT, TimeUnit.SECONDS))
                .as("server saw the cancellation")
                .isTrue();
        assertThat(scriptDone.await(WAIT, TimeUnit.SECONDS)).isTrue();
        assertThat(sawCancel).isTrue();
        call.cancel("again"); // idempotent
        channel.shutdownNow().awaitTermination(WAIT, TimeUnit.SECONDS);

        assertThat(rec.events()).containsExactly("prompt:3", "delta:first");
        assertThat(rec.terminal.get()).isZero();
    }

    @Test
    void countedTokensReachingMaxTokensWithoutFinishReasonIsLength() throws Exception {
        fake.onStream((req, out) -> {
            out.send(response(req).text("one two").inputTokens(2).outputTokens(2));
            out.send(response(req).text(" three").outputTokens(1).fin(true));
        });
        Recorder rec = new Recorder();
        client.generate(request("r-13", "p", 3, true), rec);
        Recorder.End end = rec.end();
        assertThat(end.finishReason()).isEqualTo("length");
        assertThat(end.usage()).isEqualTo(new TokenUsage(2, 3, false));
    }

    @Test
    void fewerTokensThanMaxWithoutFinishReasonIsStop() throws Exception {
        fake.onStream((req, out) -> out.send(
                response(req).text("one two").inputTokens(2).outputTokens(2).fin(true)));
        Recorder rec = new Recorder();
        client.generate(request("r-14", "p", 3, true), rec);
        assertThat(rec.end().finishReason()).isEqualTo("stop");
    }

    @Test
    void estimatedTokensReachingMaxTokensIsLength() throws Exception {
        fake.onStream((req, out) -> out.send(response(req).text("hello world").fin(true)));
        Recorder rec = new Recorder();
        client.generate(request("r-15", "p", 2, false), rec);
        Recorder.End end = rec.end();
        assertThat(end.finishReason()).isEqualTo("length");
        assertThat(end.usage().completionTokens()).isEqualTo(2);
        assertThat(end.usage().estimated()).isTrue();
    }

    @Test
    void backendFinishReasonLengthIsPassedOn() throws Exception {
        fake.onStream((req, out) -> out.send(response(req)
                .text("x")
                .inputTokens(1)
                .outputTokens(1)
                .finish("length")
                .fin(true)));
        Recorder rec = new Recorder();
        client.generate(request("r-16", "p", 100, true), rec);
        assertThat(rec.end().finishReason()).isEqualTo("length");
    }

    // ------------------------------------------------------------------ embed

    @Test
    void embedDecodesVectorsAndSumsInputTokens() throws Exception {
        fake.onInfer((req, out) -> {
            out.onNext(ModelInferResponse.newBuilder()
                    .setModelName(req.getModelName())
                    .setId(req.getId())
                    .addOutputs(output("num_input_tokens", "INT32", 2, 1))
                    .addRawOutputContents(Tensors.encodeInt32(3, 4))
                    .addOutputs(output("embedding", "FP32", 2, 3))
                    .addRawOutputContents(Tensors.encodeFp32(new float[] {1f, 2f, 3f, -4f, 5.5f, 0f}))
                    .build());
            out.onCompleted();
        });
        EmbeddingResult result = client.embed(new EmbeddingRequest("e-1", "minilm", List.of("hello world", "é 世界")))
                .get(WAIT, TimeUnit.SECONDS);

        assertThat(result.dimensions()).isEqualTo(3);
        assertThat(result.vectors()).hasSize(2);
        assertThat(result.vectors().get(0)).containsExactly(1f, 2f, 3f);
        assertThat(result.vectors().get(1)).containsExactly(-4f, 5.5f, 0f);
        assertThat(result.usage()).isEqualTo(new TokenUsage(7, 0, false));

        ModelInferRequest req = fake.inferRequests.get(0);
        assertThat(req.getId()).isEqualTo("e-1");
        assertThat(req.getModelName()).isEqualTo("minilm");
        assertThat(req.getInputsCount()).isEqualTo(1);
        assertThat(req.getInputs(0).getName()).isEqualTo("text_input");
        assertThat(req.getInputs(0).getDatatype()).isEqualTo("BYTES");
        assertThat(req.getInputs(0).getShapeList()).containsExactly(2L, 1L);
        assertThat(Tensors.decodeStrings(req.getRawInputContents(0))).containsExactly("hello world", "é 世界");
    }

    @Test
    void embedWithoutTokenCountsEstimates() throws Exception {
        fake.onInfer((req, out) -> {
            out.onNext(ModelInferResponse.newBuilder()
                    .addOutputs(output("embedding", "FP32", 2, 2))
                    .addRawOutputContents(Tensors.encodeFp32(new float[] {1f, 0f, 0f, 1f}))
                    .build());
            out.onCompleted();
        });
        EmbeddingResult result = client.embed(
                        new EmbeddingRequest("e-2", "minilm", List.of("hello world", "tiktoken is great!")))
                .get(WAIT, TimeUnit.SECONDS);
        assertThat(result.usage()).isEqualTo(new TokenUsage(2 + 6, 0, true));
        assertThat(result.vectors().get(1)).containsExactly(0f, 1f);
    }

    @Test
    void embedWithWrongShapeIsABackendError() {
        fake.onInfer((req, out) -> {
            out.onNext(ModelInferResponse.newBuilder()
                    .addOutputs(output("embedding", "FP32", 1, 3))
                    .addRawOutputContents(Tensors.encodeFp32(new float[] {1f, 2f, 3f}))
                    .build());
            out.onCompleted();
        });
        InferenceException e = failure(client.embed(new EmbeddingRequest("e-3", "minilm", List.of("a", "b"))));
        assertThat(e.kind()).isEqualTo(Kind.BACKEND_ERROR);
        assertThat(e.requestId()).isEqualTo("e-3");
    }

    @Test
    void embedOnUnknownModelIsModelNotFound() {
        fake.onInfer((req, out) -> out.onError(Status.NOT_FOUND
                .withDescription("Request for unknown model: 'minilm' is not found")
                .asRuntimeException()));
        InferenceException e = failure(client.embed(new EmbeddingRequest("e-4", "minilm", List.of("a"))));
        assertThat(e.kind()).isEqualTo(Kind.MODEL_NOT_FOUND);
        assertThat(e.requestId()).isEqualTo("e-4");
        assertThat(e.getMessage()).contains("unknown model");
    }

    // ------------------------------------------------------------------ health and repository

    @Test
    void repositoryIndexMapsEntries() throws Exception {
        fake.repositoryIndex = (req, out) -> {
            assertThat(req.getRepositoryName()).isEmpty();
            assertThat(req.getReady()).isFalse();
            out.onNext(RepositoryIndexResponse.newBuilder()
                    .addModels(RepositoryIndexResponse.ModelIndex.newBuilder()
                            .setName("llama")
                            .setVersion("1")
                            .setState("READY"))
                    .addModels(RepositoryIndexResponse.ModelIndex.newBuilder()
                            .setName("broken")
                            .setVersion("2")
                            .setState("UNAVAILABLE")
                            .setReason("load failed"))
                    .addModels(RepositoryIndexResponse.ModelIndex.newBuilder().setName("never-loaded"))
                    .build());
            out.onCompleted();
        };
        List<ModelStatus> models = client.repositoryIndex().get(WAIT, TimeUnit.SECONDS);
        assertThat(models)
                .containsExactly(
                        new ModelStatus("llama", "1", "READY", ""),
                        new ModelStatus("broken", "2", "UNAVAILABLE", "load failed"),
                        new ModelStatus("never-loaded", "", "", ""));
        assertThat(models).extracting(ModelStatus::ready).containsExactly(true, false, false);
    }

    @Test
    void modelReadyMapsTheAnswer() throws Exception {
        fake.modelReady = (req, out) -> {
            out.onNext(ModelReadyResponse.newBuilder()
                    .setReady(req.getName().equals("up"))
                    .build());
            out.onCompleted();
        };
        assertThat(client.modelReady("up").get(WAIT, TimeUnit.SECONDS)).isTrue();
        assertThat(client.modelReady("down").get(WAIT, TimeUnit.SECONDS)).isFalse();
        assertThat(fake.modelReadyNames).containsExactly("up", "down");
    }

    @Test
    void modelReadyOnUnknownModelFailsWithModelNotFound() {
        fake.modelReady = (req, out) -> out.onError(Status.NOT_FOUND
                .withDescription("Request for unknown model: '" + req.getName() + "' is not found")
                .asRuntimeException());
        InferenceException e = failure(client.modelReady("ghost"));
        assertThat(e.kind()).isEqualTo(Kind.MODEL_NOT_FOUND);
        assertThat(e.getMessage()).isEqualTo("Request for unknown model: 'ghost' is not found");
    }

    @Test
    void modelReadyNotReadyVersionIsUnavailable() {
        fake.modelReady = (req, out) -> out.onError(Status.UNAVAILABLE
                .withDescription("model 'x' version 1 is not at ready state")
                .asRuntimeException());
        assertThat(failure(client.modelReady("x")).kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void serverReadyMapsTheAnswer() throws Exception {
        AtomicBoolean ready = new AtomicBoolean(true);
        fake.serverReady = (req, out) -> {
            out.onNext(ServerReadyResponse.newBuilder().setReady(ready.get()).build());
            out.onCompleted();
        };
        assertThat(client.serverReady().get(WAIT, TimeUnit.SECONDS)).isTrue();
        ready.set(false);
        assertThat(client.serverReady().get(WAIT, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void serverReadyOnUnreachableServerIsUnavailable() throws Exception {
        server.shutdownNow().awaitTermination(WAIT, TimeUnit.SECONDS);
        assertThat(failure(client.serverReady()).kind()).isEqualTo(Kind.UNAVAILABLE);
    }

    // ------------------------------------------------------------------ helpers

    private static GenerationRequest request(String id, String prompt, int maxTokens, boolean stream) {
        return new GenerationRequest(id, "llama", prompt, maxTokens, stream, Map.of());
    }

    private static int indexOf(ModelInferRequest req, String name) {
        for (int i = 0; i < req.getInputsCount(); i++) {
            if (req.getInputs(i).getName().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no input " + name);
    }

    private static InferParameter bool(boolean v) {
        return InferParameter.newBuilder().setBoolParam(v).build();
    }

    private static InferOutputTensor output(String name, String datatype, long... shape) {
        InferOutputTensor.Builder b =
                InferOutputTensor.newBuilder().setName(name).setDatatype(datatype);
        for (long s : shape) {
            b.addShape(s);
        }
        return b.build();
    }

    private static InferenceException failure(CompletableFuture<?> f) {
        Throwable t = catchThrowable(() -> f.get(WAIT, TimeUnit.SECONDS));
        assertThat(t).isInstanceOf(ExecutionException.class);
        Throwable cause = t.getCause();
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertThat(cause).isInstanceOf(InferenceException.class);
        return (InferenceException) cause;
    }

    private static ResponseBuilder response(ModelInferRequest req) {
        return new ResponseBuilder(req);
    }

    /** One stream response with vLLM outputs, built in any output order. */
    static final class ResponseBuilder {
        private final ModelInferResponse.Builder b;

        ResponseBuilder(ModelInferRequest req) {
            b = ModelInferResponse.newBuilder()
                    .setModelName(req.getModelName())
                    .setModelVersion("1")
                    .setId(req.getId());
        }

        private ResponseBuilder out(String name, String datatype, ByteString raw) {
            b.addOutputs(output(name, datatype, 1));
            b.addRawOutputContents(raw);
            return this;
        }

        ResponseBuilder text(String s) {
            return out("text_output", "BYTES", Tensors.encodeString(s));
        }

        ResponseBuilder inputTokens(int n) {
            return out("num_input_tokens", "UINT32", Tensors.encodeInt32(n));
        }

        ResponseBuilder outputTokens(int n) {
            return out("num_output_tokens", "UINT32", Tensors.encodeInt32(n));
        }

        ResponseBuilder finish(String reason) {
            return out("finish_reason", "BYTES", Tensors.encodeString(reason));
        }

        ResponseBuilder fin(boolean v) {
            b.putParameters("triton_final_response", bool(v));
            return this;
        }

        ModelStreamInferResponse build() {
            return ModelStreamInferResponse.newBuilder().setInferResponse(b).build();
        }
    }

    record Delta(String text, int tokens) {}

    /** Records listener callbacks; counts terminal ones so a second onComplete/onError is caught. */
    static final class Recorder implements GenerationListener {
        record End(String finishReason, TokenUsage usage, InferenceException error) {}

        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final List<Delta> deltas = new CopyOnWriteArrayList<>();
        final CompletableFuture<Delta> firstDelta = new CompletableFuture<>();
        final CompletableFuture<End> end = new CompletableFuture<>();
        final AtomicInteger terminal = new AtomicInteger();

        @Override
        public void onPromptTokens(int promptTokens) {
            events.add("prompt:" + promptTokens);
        }

        @Override
        public void onDelta(String text, int outputTokens) {
            events.add("delta:" + text);
            Delta d = new Delta(text, outputTokens);
            deltas.add(d);
            firstDelta.complete(d);
        }

        @Override
        public void onComplete(String finishReason, TokenUsage usage) {
            events.add("complete:" + finishReason);
            terminal.incrementAndGet();
            end.complete(new End(finishReason, usage, null));
        }

        @Override
        public void onError(InferenceException error, TokenUsage usageSoFar) {
            events.add("error:" + error.kind());
            terminal.incrementAndGet();
            end.complete(new End(null, usageSoFar, error));
        }

        End end() throws Exception {
            return end.get(WAIT, TimeUnit.SECONDS);
        }

        List<Delta> deltas() {
            return List.copyOf(deltas);
        }

        List<String> events() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }

        void assertSingleTerminal() {
            assertThat(terminal.get())
                    .as("exactly one terminal callback; events %s", events())
                    .isEqualTo(1);
            List<String> ev = events();
            assertThat(ev.get(ev.size() - 1)).as("terminal callback comes last").matches("(complete|error):.*");
        }
    }

    /** The server side of one ModelStreamInfer call as the scripts see it. */
    static final class ServerStream {
        private final ServerCallStreamObserver<ModelStreamInferResponse> out;
        private final AtomicBoolean closed = new AtomicBoolean();

        ServerStream(ServerCallStreamObserver<ModelStreamInferResponse> out) {
            this.out = out;
        }

        void send(ResponseBuilder r) {
            send(r.build());
        }

        synchronized void send(ModelStreamInferResponse r) {
            if (!closed.get()) {
                out.onNext(r);
            }
        }

        /** Sends unless the call is gone (a cancelled call may reject or drop messages). */
        synchronized void trySend(ResponseBuilder r) {
            try {
                if (!closed.get() && !out.isCancelled()) {
                    out.onNext(r.build());
                }
            } catch (RuntimeException ignored) {
                // cancelled meanwhile
            }
        }

        synchronized void complete() {
            if (closed.compareAndSet(false, true) && !out.isCancelled()) {
                out.onCompleted();
            }
        }

        synchronized void fail(Status status) {
            if (closed.compareAndSet(false, true)) {
                out.onError(status.asRuntimeException());
            }
        }
    }

    interface StreamScript {
        void run(ModelInferRequest request, ServerStream out) throws Exception;
    }

    /** Scripted fake of Triton's service. Stream scripts run on their own thread, like a backend would. */
    static final class FakeTriton extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
        final ExecutorService scripts = Executors.newCachedThreadPool();
        final List<Throwable> scriptFailures = new CopyOnWriteArrayList<>();
        final List<ModelInferRequest> streamRequests = new CopyOnWriteArrayList<>();
        final List<ModelInferRequest> inferRequests = new CopyOnWriteArrayList<>();
        final List<String> modelReadyNames = new CopyOnWriteArrayList<>();
        final AtomicInteger streamsOpened = new AtomicInteger();
        final CountDownLatch cancelled = new CountDownLatch(1);
        final CountDownLatch halfClosed = new CountDownLatch(1);
        /** Counted down when a stream is cancelled by the client, or ends: half-closed with no request in flight. */
        final CountDownLatch streamEnded = new CountDownLatch(1);

        volatile StreamScript streamScript = (req, out) -> {};
        volatile BiConsumer<ModelInferRequest, StreamObserver<ModelInferResponse>> inferScript =
                (req, out) -> out.onError(Status.UNIMPLEMENTED.asRuntimeException());
        volatile BiConsumer<ModelReadyRequest, StreamObserver<ModelReadyResponse>> modelReady =
                (req, out) -> out.onError(Status.UNIMPLEMENTED.asRuntimeException());
        volatile BiConsumer<ServerReadyRequest, StreamObserver<ServerReadyResponse>> serverReady =
                (req, out) -> out.onError(Status.UNIMPLEMENTED.asRuntimeException());
        volatile BiConsumer<RepositoryIndexRequest, StreamObserver<RepositoryIndexResponse>> repositoryIndex =
                (req, out) -> out.onError(Status.UNIMPLEMENTED.asRuntimeException());

        void onStream(StreamScript script) {
            this.streamScript = script;
        }

        void onInfer(BiConsumer<ModelInferRequest, StreamObserver<ModelInferResponse>> script) {
            this.inferScript = script;
        }

        @Override
        public StreamObserver<ModelInferRequest> modelStreamInfer(StreamObserver<ModelStreamInferResponse> responses) {
            streamsOpened.incrementAndGet();
            ServerCallStreamObserver<ModelStreamInferResponse> obs =
                    (ServerCallStreamObserver<ModelStreamInferResponse>) responses;
            obs.setOnCancelHandler(() -> {
                cancelled.countDown();
                streamEnded.countDown();
            });
            ServerStream stream = new ServerStream(obs);
            StreamScript script = streamScript;
            return new StreamObserver<>() {
                /** Requests whose script has not returned yet. */
                private final AtomicInteger running = new AtomicInteger();

                private final AtomicBoolean clientDone = new AtomicBoolean();

                @Override
                public void onNext(ModelInferRequest request) {
                    streamRequests.add(request);
                    running.incrementAndGet();
                    scripts.execute(() -> {
                        try {
                            script.run(request, stream);
                        } catch (Throwable t) {
                            scriptFailures.add(t);
                        } finally {
                            running.decrementAndGet();
                            completeIfDone();
                        }
                    });
                }

                @Override
                public void onError(Throwable t) {
                    streamEnded.countDown();
                }

                @Override
                public void onCompleted() {
                    halfClosed.countDown();
                    clientDone.set(true);
                    completeIfDone();
                }

                /** Like Triton: a half-closed stream ends once no request is in flight (its script has returned). */
                private void completeIfDone() {
                    if (clientDone.get() && running.get() == 0) {
                        streamEnded.countDown();
                        stream.complete();
                    }
                }
            };
        }

        @Override
        public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
            inferRequests.add(request);
            inferScript.accept(request, out);
        }

        @Override
        public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
            modelReadyNames.add(request.getName());
            modelReady.accept(request, out);
        }

        @Override
        public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
            serverReady.accept(request, out);
        }

        @Override
        public void repositoryIndex(RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> out) {
            try {
                repositoryIndex.accept(request, out);
            } catch (AssertionError e) {
                out.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
                throw e;
            }
        }
    }
}
