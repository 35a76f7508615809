package io.modelgateway.inference;

/** Which tensors a deployment's Triton model speaks, or {@link #AUTO} to read it from the model's config. */
public enum Layout {
    /** Detect from ModelConfig (backend, platform, max_batch_size, inputs), else ModelMetadata. */
    AUTO,
    /** Triton's vLLM backend: no batch dimension, sampling parameters as one JSON tensor. */
    VLLM,
    /** TensorRT-LLM's {@code ensemble}: batch dimension, one typed tensor per sampling parameter. */
    TRTLLM_ENSEMBLE
}
