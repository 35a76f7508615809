package io.modelgateway.inference;

import static io.modelgateway.inference.TensorNames.EMBEDDING;
import static io.modelgateway.inference.TensorNames.NUM_INPUT_TOKENS;
import static io.modelgateway.inference.TensorNames.TEXT_INPUT;

import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceStub;
import inference.ModelConfig;
import inference.ModelConfigRequest;
import inference.ModelConfigResponse;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ModelMetadataRequest;
import inference.ModelMetadataResponse;
import inference.ModelReadyRequest;
import inference.ModelReadyResponse;
import inference.RepositoryIndexRequest;
import inference.RepositoryIndexResponse;
import inference.RepositoryModelLoadRequest;
import inference.RepositoryModelLoadResponse;
import inference.RepositoryModelUnloadRequest;
import inference.RepositoryModelUnloadResponse;
import inference.ServerReadyRequest;
import inference.ServerReadyResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.modelgateway.inference.internal.Errors;
import io.modelgateway.inference.internal.GenerationStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A client of one Triton endpoint (KServe v2 gRPC). One shared channel; every generation is its own
 * {@code ModelStreamInfer} call, every embedding batch one {@code ModelInfer} call. Thread-safe.
 */
public final class TritonClient implements AutoCloseable {

    private static final int MAX_INBOUND_BYTES = 64 * 1024 * 1024;

    /** Per stream and connection; 1 MiB, grpc-java's default initial window, fixed (no BDP pings). */
    private static final int FLOW_CONTROL_WINDOW_BYTES = 1024 * 1024;

    private final String target;
    private final ManagedChannel channel;
    private final boolean ownsChannel;
    private final TokenCounter counter;
    private final GRPCInferenceServiceStub stub;

    private TritonClient(String target, ManagedChannel channel, boolean ownsChannel, TokenCounter counter) {
        this.target = target;
        this.channel = channel;
        this.ownsChannel = ownsChannel;
        this.counter = counter;
        this.stub = GRPCInferenceServiceGrpc.newStub(channel);
    }

    /**
     * Connects to {@code host:port} in plaintext. Callbacks run on the transport threads (no executor
     * hop): listeners must not block.
     */
    public static TritonClient connect(String target) {
        ManagedChannel channel =
                configure(NettyChannelBuilder.forTarget(target)).build();
        return new TritonClient(target, channel, true, TokenCounter.cl100k());
    }

    /**
     * The settings of every channel to a Triton server: plaintext, callbacks on the transport thread, large
     * answers allowed, and no pings the server would punish. Triton (gRPC C++) and grpc-java servers accept a
     * ping at most every 5 minutes while they send nothing, and after 2 more answer GOAWAY
     * {@code too_many_pings}, which fails every call on the connection. So: keepalive at that interval (the
     * pool's per-call timeouts find a stuck call long before), and a fixed flow-control window, which turns off
     * grpc-java's bandwidth-probing (BDP) pings.
     */
    public static NettyChannelBuilder configure(NettyChannelBuilder builder) {
        return builder.usePlaintext()
                .directExecutor()
                .maxInboundMessageSize(MAX_INBOUND_BYTES)
                .flowControlWindow(FLOW_CONTROL_WINDOW_BYTES)
                .keepAliveTime(5, TimeUnit.MINUTES);
    }

    /** Uses a channel the caller owns (and closes). */
    public static TritonClient of(ManagedChannel channel, TokenCounter fallbackCounter) {
        return new TritonClient(channel.authority(), channel, false, fallbackCounter);
    }

    public String target() {
        return target;
    }

    /** Starts a generation; the listener sees its deltas and its end. Never throws for backend failures. */
    public GenerationCall generate(GenerationRequest request, GenerationListener listener) {
        return generate(request, counter, listener);
    }

    /** As {@link #generate(GenerationRequest, GenerationListener)}, estimating missing usage with {@code tokens}. */
    public GenerationCall generate(GenerationRequest request, TokenCounter tokens, GenerationListener listener) {
        return generate(request, tokens, listener, TensorLayout.vllm());
    }

    /**
     * As {@link #generate(GenerationRequest, TokenCounter, GenerationListener)} with the model's tensor layout.
     *
     * @throws IllegalArgumentException when the layout cannot encode a sampling value (nothing was sent)
     */
    public GenerationCall generate(
            GenerationRequest request, TokenCounter tokens, GenerationListener listener, TensorLayout layout) {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(layout, "layout");
        var call = channel.newCall(GRPCInferenceServiceGrpc.getModelStreamInferMethod(), CallOptions.DEFAULT);
        return new GenerationStream(request, listener, tokens, call, layout).start();
    }

    /** Embeds a batch of texts with one {@code ModelInfer} call (input {@code text_input} BYTES [n,1]). */
    public CompletableFuture<EmbeddingResult> embed(EmbeddingRequest request) {
        return embed(request, counter);
    }

    public CompletableFuture<EmbeddingResult> embed(EmbeddingRequest request, TokenCounter tokens) {
        return embed(request, tokens, stub);
    }

    /** As {@link #embed(EmbeddingRequest, TokenCounter)}, cancelled with TIMEOUT when not answered in {@code timeout}. */
    public CompletableFuture<EmbeddingResult> embed(EmbeddingRequest request, TokenCounter tokens, Duration timeout) {
        return embed(request, tokens, stub.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    private CompletableFuture<EmbeddingResult> embed(
            EmbeddingRequest request, TokenCounter tokens, GRPCInferenceServiceStub stub) {
        int n = request.inputs().size();
        ModelInferRequest msg = ModelInferRequest.newBuilder()
                .setModelName(request.model())
                .setId(request.requestId())
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName(TEXT_INPUT)
                        .setDatatype("BYTES")
                        .addShape(n)
                        .addShape(1))
                .addRawInputContents(Tensors.encodeStrings(request.inputs()))
                .build();
        return TritonClient.<ModelInferResponse>unary(request.requestId(), o -> stub.modelInfer(msg, o))
                .thenApply(r -> toEmbeddings(r, request, tokens));
    }

    public CompletableFuture<Boolean> serverReady() {
        return TritonClient.<ServerReadyResponse>unary(
                        "", o -> stub.serverReady(ServerReadyRequest.getDefaultInstance(), o))
                .thenApply(r -> r.getReady());
    }

    public CompletableFuture<Boolean> modelReady(String model) {
        return TritonClient.<ModelReadyResponse>unary(
                        "",
                        o -> stub.modelReady(
                                ModelReadyRequest.newBuilder().setName(model).build(), o))
                .thenApply(r -> r.getReady());
    }

    /** The model's configuration (Triton's {@code ModelConfig} rpc), as read for layout detection. */
    public CompletableFuture<ModelConfig> modelConfig(String model) {
        return TritonClient.<ModelConfigResponse>unary(
                        "",
                        o -> stub.modelConfig(
                                ModelConfigRequest.newBuilder().setName(model).build(), o))
                .thenApply(ModelConfigResponse::getConfig);
    }

    /** The model's metadata: platform, versions, input and output names, datatypes and shapes. */
    public CompletableFuture<ModelMetadataResponse> modelMetadata(String model) {
        return TritonClient.<ModelMetadataResponse>unary(
                "",
                o -> stub.modelMetadata(
                        ModelMetadataRequest.newBuilder().setName(model).build(), o));
    }

    /**
     * The model's tensor layout, from its ModelConfig or, when that call fails (a server without the
     * model_configuration extension), from its ModelMetadata. Fails with BACKEND_ERROR when neither tells (a
     * model of another kind: configure the layout), with the call's error when the model cannot be read.
     */
    public CompletableFuture<TensorLayout> detectLayout(String model) {
        return modelConfig(model)
                .thenApply(TensorLayout::detect)
                .exceptionallyCompose(e -> modelMetadata(model).thenApply(TensorLayout::detect))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(layoutError(model, e)));
    }

    private static Throwable layoutError(String model, Throwable e) {
        Throwable cause =
                e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof IllegalArgumentException) {
            return InferenceException.of(InferenceException.Kind.BACKEND_ERROR, "", cause.getMessage(), cause);
        }
        return cause;
    }

    /** The backend's model repository, loaded or not. */
    public CompletableFuture<List<ModelStatus>> repositoryIndex() {
        return TritonClient.<RepositoryIndexResponse>unary(
                        "", o -> stub.repositoryIndex(RepositoryIndexRequest.getDefaultInstance(), o))
                .thenApply(r -> r.getModelsList().stream()
                        .map(m -> new ModelStatus(m.getName(), m.getVersion(), m.getState(), m.getReason()))
                        .toList());
    }

    /**
     * Loads {@code model} (RepositoryModelLoad; the backend must run in explicit model-control mode). Triton
     * answers once the model is ready, or fails (INTERNAL) with why; loading a loaded model is a no-op.
     */
    public CompletableFuture<Void> loadModel(String model, Duration timeout) {
        RepositoryModelLoadRequest msg =
                RepositoryModelLoadRequest.newBuilder().setModelName(model).build();
        return TritonClient.<RepositoryModelLoadResponse>unary(
                        "",
                        o -> stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                                .repositoryModelLoad(msg, o))
                .thenApply(r -> null);
    }

    /** Unloads {@code model} (RepositoryModelUnload); calls to it fail from then on. */
    public CompletableFuture<Void> unloadModel(String model, Duration timeout) {
        RepositoryModelUnloadRequest msg =
                RepositoryModelUnloadRequest.newBuilder().setModelName(model).build();
        return TritonClient.<RepositoryModelUnloadResponse>unary(
                        "",
                        o -> stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                                .repositoryModelUnload(msg, o))
                .thenApply(r -> null);
    }

    @Override
    public void close() {
        if (!ownsChannel) {
            return;
        }
        channel.shutdown();
        try {
            if (!channel.awaitTermination(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static EmbeddingResult toEmbeddings(ModelInferResponse r, EmbeddingRequest request, TokenCounter tokens) {
        float[] flat = null;
        int dim = 0;
        int promptTokens = -1;
        for (int i = 0; i < r.getOutputsCount() && i < r.getRawOutputContentsCount(); i++) {
            var out = r.getOutputs(i);
            ByteString raw = r.getRawOutputContents(i);
            if (EMBEDDING.equals(out.getName())) {
                flat = Tensors.decodeFp32(raw);
                dim = (int) out.getShape(out.getShapeCount() - 1);
            } else if (NUM_INPUT_TOKENS.equals(out.getName())) {
                promptTokens = 0;
                for (int t : Tensors.decodeInt32(raw)) {
                    promptTokens += t;
                }
            }
        }
        int n = request.inputs().size();
        if (flat == null || dim <= 0 || flat.length != n * dim) {
            throw InferenceException.of(
                    InferenceException.Kind.BACKEND_ERROR,
                    request.requestId(),
                    "backend returned no '" + EMBEDDING + "' output of shape [" + n + ", dim]");
        }
        List<float[]> vectors = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] v = new float[dim];
            System.arraycopy(flat, i * dim, v, 0, dim);
            vectors.add(v);
        }
        boolean estimated = promptTokens < 0;
        if (estimated) {
            promptTokens = request.inputs().stream().mapToInt(tokens::count).sum();
        }
        return new EmbeddingResult(vectors, new TokenUsage(promptTokens, 0, estimated));
    }

    private static <T> CompletableFuture<T> unary(String requestId, Consumer<StreamObserver<T>> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        call.accept(new StreamObserver<T>() {
            @Override
            public void onNext(T value) {
                f.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                f.completeExceptionally(
                        t instanceof StatusRuntimeException s
                                ? Errors.fromStatus(s.getStatus(), requestId)
                                : InferenceException.of(
                                        InferenceException.Kind.BACKEND_ERROR, requestId, t.toString(), t));
            }

            @Override
            public void onCompleted() {
                if (!f.isDone()) {
                    f.completeExceptionally(
                            InferenceException.of(InferenceException.Kind.BACKEND_ERROR, requestId, "no response"));
                }
            }
        });
        return f;
    }
}
