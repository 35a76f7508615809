package io.modelgateway.inference.internal;

import static io.modelgateway.inference.TensorNames.ENABLE_EMPTY_FINAL_RESPONSE;
import static io.modelgateway.inference.TensorNames.EXCLUDE_INPUT_IN_OUTPUT;
import static io.modelgateway.inference.TensorNames.RETURN_NUM_INPUT_TOKENS;
import static io.modelgateway.inference.TensorNames.RETURN_NUM_OUTPUT_TOKENS;
import static io.modelgateway.inference.TensorNames.STREAM;
import static io.modelgateway.inference.TensorNames.TEXT_INPUT;

import com.google.protobuf.ByteString;
import inference.InferParameter;
import inference.ModelInferRequest;
import inference.ModelInferRequest.InferInputTensor;
import inference.ModelInferResponse;
import io.modelgateway.inference.GenerationRequest;
import io.modelgateway.inference.Layout;
import io.modelgateway.inference.TensorLayout;
import io.modelgateway.inference.Tensors;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * TensorRT-LLM's {@code ensemble}: one typed tensor per parameter, each with a leading batch dimension of 1
 * when the model batches ({@code [1,1]}, stop words {@code [1,n]}). Sends only the inputs the model declares;
 * a sampling parameter without its tensor is unsupported. No {@code finish_reason} output: the stream ends
 * with "length" when the token budget was used up, else "stop".
 */
public final class EnsembleLayout implements TensorLayout {

    public static final String MAX_TOKENS = "max_tokens";
    public static final String STOP_WORDS = "stop_words";

    /** A sampling parameter, its datatype and the tensor names that carry it (newest name first). */
    private record Param(String key, String datatype, List<String> tensors) {}

    private static final List<Param> PARAMS = List.of(
            new Param("temperature", "FP32", List.of("temperature")),
            new Param("top_p", "FP32", List.of("top_p")),
            new Param("top_k", "INT32", List.of("top_k")),
            new Param("presence_penalty", "FP32", List.of("presence_penalty")),
            new Param("frequency_penalty", "FP32", List.of("frequency_penalty")),
            new Param("repetition_penalty", "FP32", List.of("repetition_penalty")),
            new Param("min_tokens", "INT32", List.of("min_tokens", "min_length")),
            new Param("seed", "UINT64", List.of("seed", "random_seed")),
            new Param("stop", "BYTES", List.of(STOP_WORDS)));

    /** The inputs of tensorrtllm_backend's ensemble since 2025 (triton-protocol.md 4b). */
    private static final Set<String> CURRENT_INPUTS = Set.of(
            TEXT_INPUT,
            MAX_TOKENS,
            STREAM,
            STOP_WORDS,
            "bad_words",
            EXCLUDE_INPUT_IN_OUTPUT,
            "end_id",
            "pad_id",
            "top_k",
            "top_p",
            "temperature",
            "length_penalty",
            "repetition_penalty",
            "min_tokens",
            "presence_penalty",
            "frequency_penalty",
            "seed",
            RETURN_NUM_INPUT_TOKENS,
            RETURN_NUM_OUTPUT_TOKENS,
            "beam_width",
            "num_return_sequences");

    private static final EnsembleLayout CURRENT = new EnsembleLayout(CURRENT_INPUTS, true);
    private static final InferParameter BOOL_TRUE =
            InferParameter.newBuilder().setBoolParam(true).build();
    private static final ByteString TRUE = Tensors.encodeBool(true);

    private final Set<String> inputs;
    private final boolean batched;
    /** Sampling key to the tensor this model declares for it. */
    private final Map<String, Param> supported = new LinkedHashMap<>();

    public EnsembleLayout(Set<String> inputs, boolean batched) {
        this.inputs = Set.copyOf(inputs);
        this.batched = batched;
        for (Param p : PARAMS) {
            p.tensors().stream()
                    .filter(this.inputs::contains)
                    .findFirst()
                    .ifPresent(t -> supported.put(p.key(), new Param(p.key(), p.datatype(), List.of(t))));
        }
    }

    public static EnsembleLayout current() {
        return CURRENT;
    }

    public boolean batched() {
        return batched;
    }

    public Set<String> inputs() {
        return inputs;
    }

    @Override
    public Layout kind() {
        return Layout.TRTLLM_ENSEMBLE;
    }

    @Override
    public Optional<String> unsupportedParameter(Collection<String> samplingKeys) {
        return samplingKeys.stream().filter(k -> !supported.containsKey(k)).findFirst();
    }

    /** @throws IllegalArgumentException when a sampling value has the wrong type */
    @Override
    public ModelInferRequest encode(GenerationRequest req) {
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder()
                .setModelName(req.model())
                .setId(req.requestId())
                .putParameters(ENABLE_EMPTY_FINAL_RESPONSE, BOOL_TRUE);
        scalar(b, TEXT_INPUT, "BYTES", Tensors.encodeString(req.prompt()));
        scalar(b, MAX_TOKENS, "INT32", Tensors.encodeInt32(req.maxTokens()));
        optional(b, STREAM, Tensors.encodeBool(req.stream()));
        optional(b, EXCLUDE_INPUT_IN_OUTPUT, TRUE);
        optional(b, RETURN_NUM_INPUT_TOKENS, TRUE);
        optional(b, RETURN_NUM_OUTPUT_TOKENS, TRUE);
        req.sampling().forEach((key, value) -> sampling(b, key, value));
        return b.build();
    }

    @Override
    public Decoded decode(ModelInferResponse response) {
        VllmLayout.Decoded d = VllmLayout.decode(response);
        return new Decoded(d.text(), d.inputTokens(), d.outputTokens(), null, d.last());
    }

    private void sampling(ModelInferRequest.Builder b, String key, Object value) {
        Param p = supported.get(key);
        if (p == null || value == null) {
            return;
        }
        String tensor = p.tensors().get(0);
        switch (p.datatype()) {
            case "FP32" -> scalar(b, tensor, "FP32", Tensors.encodeFp32(new float[] {(float) number(key, value)}));
            case "INT32" -> scalar(b, tensor, "INT32", Tensors.encodeInt32((int) number(key, value)));
            case "UINT64" -> scalar(b, tensor, "UINT64", SamplingValues.uint64((long) number(key, value)));
            default -> stopWords(b, tensor, SamplingValues.strings(key, value));
        }
    }

    private static double number(String key, Object value) {
        return SamplingValues.number(key, value);
    }

    private void stopWords(ModelInferRequest.Builder b, String tensor, List<String> words) {
        if (!words.isEmpty()) {
            add(b, tensor, "BYTES", Tensors.encodeStrings(words), words.size());
        }
    }

    private void optional(ModelInferRequest.Builder b, String name, ByteString raw) {
        if (inputs.contains(name)) {
            scalar(b, name, "BOOL", raw);
        }
    }

    private void scalar(ModelInferRequest.Builder b, String name, String datatype, ByteString raw) {
        add(b, name, datatype, raw, 1);
    }

    private void add(ModelInferRequest.Builder b, String name, String datatype, ByteString raw, int elements) {
        InferInputTensor.Builder t = InferInputTensor.newBuilder().setName(name).setDatatype(datatype);
        if (batched) {
            t.addShape(1);
        }
        b.addInputs(t.addShape(elements));
        b.addRawInputContents(raw);
    }

    @Override
    public String toString() {
        return "trtllm-ensemble" + (batched ? "" : " (no batch dimension)") + " " + supported.keySet();
    }
}
