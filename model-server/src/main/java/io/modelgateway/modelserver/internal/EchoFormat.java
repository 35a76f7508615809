package io.modelgateway.modelserver.internal;

import static io.modelgateway.inference.TensorNames.FINISH_REASON;
import static io.modelgateway.inference.TensorNames.NUM_INPUT_TOKENS;
import static io.modelgateway.inference.TensorNames.NUM_OUTPUT_TOKENS;
import static io.modelgateway.inference.TensorNames.TEXT_OUTPUT;

import inference.ModelInferResponse;
import io.modelgateway.inference.Tensors;

/** How an echo model shapes one response: the vLLM backend's tensors or a TensorRT-LLM ensemble's. */
@FunctionalInterface
interface EchoFormat {

    ModelInferResponse response(EchoRequest request, EchoPlan plan, String text, boolean last, int outputTokens);

    /** vLLM: no batch dimension, UINT32 counts, a finish_reason on the last response. */
    EchoFormat VLLM = (request, plan, text, last, outputTokens) -> {
        long[] shape = {1};
        ModelInferResponse.Builder response = Responses.to(request.request());
        if (request.wants(TEXT_OUTPUT)) {
            Responses.addOutput(response, TEXT_OUTPUT, "BYTES", shape, Tensors.encodeString(text));
        }
        if (last && request.wants(FINISH_REASON)) {
            Responses.addOutput(response, FINISH_REASON, "BYTES", shape, Tensors.encodeString(plan.finishReason()));
        }
        if (request.wants(NUM_INPUT_TOKENS)) {
            Responses.addOutput(response, NUM_INPUT_TOKENS, "UINT32", shape, Tensors.encodeInt32(plan.inputTokens()));
        }
        if (request.wants(NUM_OUTPUT_TOKENS)) {
            Responses.addOutput(response, NUM_OUTPUT_TOKENS, "UINT32", shape, Tensors.encodeInt32(outputTokens));
        }
        return response.build();
    };

    /** TensorRT-LLM ensemble: batch dimension ([1,1]), INT32 counts, no finish reason. */
    EchoFormat ENSEMBLE = (request, plan, text, last, outputTokens) -> {
        long[] shape = {1, 1};
        ModelInferResponse.Builder response = Responses.to(request.request());
        if (request.wants(TEXT_OUTPUT)) {
            Responses.addOutput(response, TEXT_OUTPUT, "BYTES", shape, Tensors.encodeString(text));
        }
        if (request.wants(NUM_INPUT_TOKENS)) {
            Responses.addOutput(response, NUM_INPUT_TOKENS, "INT32", shape, Tensors.encodeInt32(plan.inputTokens()));
        }
        if (request.wants(NUM_OUTPUT_TOKENS)) {
            Responses.addOutput(response, NUM_OUTPUT_TOKENS, "INT32", shape, Tensors.encodeInt32(outputTokens));
        }
        return response.build();
    };
}
