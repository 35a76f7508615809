package io.modelgateway.inference;

import java.util.List;
import java.util.Objects;

/**
 * A batch of texts to embed with one Triton {@code ModelInfer} call.
 *
 * @param requestId the gateway's request id, sent as the Triton request {@code id}
 * @param model the backend model name
 * @param inputs the texts, at least one
 */
public record EmbeddingRequest(String requestId, String model, List<String> inputs) {

    public EmbeddingRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(model, "model");
        inputs = List.copyOf(inputs);
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("inputs must not be empty");
        }
    }
}
