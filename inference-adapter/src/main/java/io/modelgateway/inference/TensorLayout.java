package io.modelgateway.inference;

import inference.ModelConfig;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ModelMetadataResponse;
import io.modelgateway.inference.internal.EnsembleLayout;
import io.modelgateway.inference.internal.LayoutDetector;
import io.modelgateway.inference.internal.VllmTensorLayout;
import java.util.Collection;
import java.util.Optional;

/**
 * How one kind of Triton model wants a generation request and how it answers: encodes a
 * {@link GenerationRequest} into a {@code ModelInferRequest} and decodes each stream response. Immutable and
 * thread-safe.
 */
public interface TensorLayout {

    /** {@link Layout#VLLM} or {@link Layout#TRTLLM_ENSEMBLE}. */
    Layout kind();

    ModelInferRequest encode(GenerationRequest request);

    Decoded decode(ModelInferResponse response);

    /**
     * The first of {@code samplingKeys} (in iteration order) this layout cannot send to the model, so the
     * caller can answer 400 naming it; empty when all can be honoured. Pass only the parameters the client
     * set (an {@code n} of 1 is not a parameter to check). Names are vLLM {@code SamplingParams} names:
     * temperature, top_p, top_k, stop, seed, presence_penalty, frequency_penalty, repetition_penalty,
     * min_tokens, logprobs, n, logit_bias.
     */
    Optional<String> unsupportedParameter(Collection<String> samplingKeys);

    /**
     * One decoded stream response; -1 marks a count the model did not send, a null finish reason one it
     * does not report.
     */
    record Decoded(String text, int inputTokens, int outputTokens, String finishReason, boolean last) {}

    /** Triton's vLLM backend. */
    static TensorLayout vllm() {
        return VllmTensorLayout.INSTANCE;
    }

    /** A current TensorRT-LLM ensemble with a batch dimension and every optional input of 2025 and later. */
    static TensorLayout trtllmEnsemble() {
        return EnsembleLayout.current();
    }

    /**
     * Reads the layout from a model's config: backend {@code vllm}; platform {@code ensemble}, or a
     * {@code max_tokens} INT32 input, means a TensorRT-LLM ensemble with exactly the inputs the config declares.
     *
     * @throws IllegalArgumentException when the config matches neither
     */
    static TensorLayout detect(ModelConfig config) {
        return LayoutDetector.fromConfig(config);
    }

    /** As {@link #detect(ModelConfig)}, from ModelMetadata (platform, input names and shapes). */
    static TensorLayout detect(ModelMetadataResponse metadata) {
        return LayoutDetector.fromMetadata(metadata);
    }
}
