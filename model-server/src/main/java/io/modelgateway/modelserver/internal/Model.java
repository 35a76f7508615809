package io.modelgateway.modelserver.internal;

import inference.ModelConfig;
import inference.ModelInferRequest;
import inference.ModelMetadataResponse;

/** A model served by this server; it has exactly one version, "1". */
public interface Model {

    String VERSION = "1";

    String name();

    ModelState state();

    ModelConfig config();

    ModelMetadataResponse metadata();

    default boolean decoupled() {
        return config().getModelTransactionPolicy().getDecoupled();
    }

    /** Validates the request's tensors and parameters (Triton's checks at issue time). */
    Execution prepare(ModelInferRequest request) throws InferException;
}
