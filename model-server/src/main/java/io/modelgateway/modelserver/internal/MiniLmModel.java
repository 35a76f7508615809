package io.modelgateway.modelserver.internal;

import static io.modelgateway.inference.TensorNames.EMBEDDING;
import static io.modelgateway.inference.TensorNames.NUM_INPUT_TOKENS;
import static io.modelgateway.inference.TensorNames.TEXT_INPUT;

import inference.ModelConfig;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ModelMetadataResponse;
import io.grpc.Status;
import io.modelgateway.inference.Tensors;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code all-minilm-l6-v2}: sentence embeddings, batched ([batch, 1] texts in, [batch, 384] vectors out). */
public final class MiniLmModel implements Model {

    public static final String NAME = "all-minilm-l6-v2";
    public static final int MAX_BATCH_SIZE = 64;
    public static final int DIMENSION = 384;

    private static final Logger log = LoggerFactory.getLogger(MiniLmModel.class);
    static final List<TensorSpec> INPUTS = List.of(TensorSpec.required(TEXT_INPUT, "BYTES", 1));
    static final List<TensorSpec> OUTPUTS = List.of(
            TensorSpec.required(EMBEDDING, "FP32", DIMENSION), TensorSpec.required(NUM_INPUT_TOKENS, "INT32", 1));
    private static final ModelDescriptors DESCRIPTORS =
            new ModelDescriptors(NAME, "onnxruntime_onnx", "onnxruntime", MAX_BATCH_SIZE, false, INPUTS, OUTPUTS);

    private final InputDecoder decoder = new InputDecoder(NAME, INPUTS, MAX_BATCH_SIZE);
    private final ModelConfig config = DESCRIPTORS.config();
    private final ModelMetadataResponse metadata = DESCRIPTORS.metadata();
    private final MiniLmEmbedder embedder;
    private final ExecutorService executor;

    /** {@code executor} is bounded: the embedding is CPU-bound and must never run on gRPC threads. */
    public MiniLmModel(MiniLmEmbedder embedder, ExecutorService executor) {
        this.embedder = embedder;
        this.executor = executor;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ModelState state() {
        return embedder.state();
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public ModelMetadataResponse metadata() {
        return metadata;
    }

    @Override
    public Execution prepare(ModelInferRequest request) throws InferException {
        List<String> texts = decoder.decode(request).get(TEXT_INPUT).strings();
        Set<String> outputs = RequestedOutputs.of(request, NAME, OUTPUTS);
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).isBlank()) {
                throw InferException.fromModel(
                        Status.Code.INVALID_ARGUMENT,
                        "text_input element " + i + " is empty; all-minilm-l6-v2 embeds non-blank text only");
            }
        }
        return sink -> submit(request, texts, outputs, sink);
    }

    private void submit(ModelInferRequest request, List<String> texts, Set<String> outputs, ResponseSink sink)
            throws InferException {
        Future<?> task;
        try {
            task = executor.submit(() -> run(request, texts, outputs, sink));
        } catch (RejectedExecutionException e) {
            throw InferException.of(Status.Code.UNAVAILABLE, "Exceeds maximum queue size");
        }
        sink.onCancel(() -> task.cancel(false));
    }

    private void run(ModelInferRequest request, List<String> texts, Set<String> outputs, ResponseSink sink) {
        if (sink.isCancelled()) {
            return;
        }
        try {
            sink.send(response(request, embedder.embed(texts), outputs), true);
        } catch (RuntimeException e) {
            log.warn("embedding request {} failed", request.getId(), e);
            sink.fail(InferException.fromModel(Status.Code.INTERNAL, "embedding failed: " + e));
        }
    }

    private static ModelInferResponse response(
            ModelInferRequest request, List<MiniLmEmbedder.Embedded> embedded, Set<String> outputs) {
        int batch = embedded.size();
        float[] vectors = new float[batch * DIMENSION];
        int[] tokens = new int[batch];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(embedded.get(i).vector(), 0, vectors, i * DIMENSION, DIMENSION);
            tokens[i] = embedded.get(i).tokens();
        }
        ModelInferResponse.Builder response = Responses.to(request);
        if (outputs.contains(EMBEDDING)) {
            Responses.addOutput(
                    response, EMBEDDING, "FP32", new long[] {batch, DIMENSION}, Tensors.encodeFp32(vectors));
        }
        if (outputs.contains(NUM_INPUT_TOKENS)) {
            Responses.addOutput(
                    response, NUM_INPUT_TOKENS, "INT32", new long[] {batch, 1}, Tensors.encodeInt32(tokens));
        }
        return response.build();
    }
}
