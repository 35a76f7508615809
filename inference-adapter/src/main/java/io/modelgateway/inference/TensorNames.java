package io.modelgateway.inference;

/**
 * Tensor and parameter names of the model contracts the adapter speaks: Triton's vLLM backend for text
 * generation, and the sentence-embedding contract of this project's model server.
 */
public final class TensorNames {

    private TensorNames() {}

    // vLLM backend inputs
    public static final String TEXT_INPUT = "text_input";
    public static final String STREAM = "stream";
    public static final String SAMPLING_PARAMETERS = "sampling_parameters";
    public static final String EXCLUDE_INPUT_IN_OUTPUT = "exclude_input_in_output";
    public static final String RETURN_FINISH_REASON = "return_finish_reason";
    public static final String RETURN_NUM_INPUT_TOKENS = "return_num_input_tokens";
    public static final String RETURN_NUM_OUTPUT_TOKENS = "return_num_output_tokens";

    // vLLM backend outputs
    public static final String TEXT_OUTPUT = "text_output";
    public static final String FINISH_REASON = "finish_reason";
    public static final String NUM_INPUT_TOKENS = "num_input_tokens";
    public static final String NUM_OUTPUT_TOKENS = "num_output_tokens";

    /**
     * Embedding model contract (model server's {@code all-minilm-l6-v2}): input {@code text_input} BYTES
     * {@code [batch, 1]}; outputs {@code embedding} FP32 {@code [batch, dim]} and {@code num_input_tokens}
     * INT32 {@code [batch, 1]}.
     */
    public static final String EMBEDDING = "embedding";

    // request parameters and response parameters
    public static final String ENABLE_EMPTY_FINAL_RESPONSE = "triton_enable_empty_final_response";
    public static final String FINAL_RESPONSE = "triton_final_response";
}
