package io.modelgateway.inference;

import java.util.Map;
import java.util.Objects;

/**
 * One text generation on a Triton model: the prompt is already rendered (chat template applied).
 *
 * @param requestId the gateway's request id, sent as the Triton request {@code id}
 * @param model the backend model name
 * @param prompt the prompt text (UTF-8 on the wire)
 * @param maxTokens the most tokens to generate
 * @param stream true to receive deltas as they are generated, false for one final answer
 * @param sampling further sampling parameters in vLLM {@code SamplingParams} names (temperature,
 *     top_p, stop, seed, ...), sent as the {@code sampling_parameters} JSON to vLLM, as typed tensors to a
 *     TensorRT-LLM ensemble (see {@link TensorLayout#unsupportedParameter})
 */
public record GenerationRequest(
        String requestId, String model, String prompt, int maxTokens, boolean stream, Map<String, Object> sampling) {

    public GenerationRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(prompt, "prompt");
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1");
        }
        sampling = sampling == null ? Map.of() : Map.copyOf(sampling);
    }
}
