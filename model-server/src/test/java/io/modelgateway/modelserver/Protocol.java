package io.modelgateway.modelserver;

import com.google.protobuf.ByteString;
import inference.InferParameter;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferRequest.InferInputTensor;
import inference.ModelInferResponse;
import inference.ModelStreamInferResponse;
import io.modelgateway.inference.TensorNames;
import io.modelgateway.inference.Tensors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Request builders and response readers for the tests, written against the wire format. */
final class Protocol {

    private Protocol() {}

    static ModelInferRequest.Builder request(String model, String id) {
        return ModelInferRequest.newBuilder().setModelName(model).setId(id);
    }

    static ModelInferRequest.Builder rawInput(
            ModelInferRequest.Builder request, String name, String datatype, List<Long> shape, ByteString raw) {
        return request.addInputs(InferInputTensor.newBuilder()
                        .setName(name)
                        .setDatatype(datatype)
                        .addAllShape(shape))
                .addRawInputContents(raw);
    }

    static ModelInferRequest.Builder text(ModelInferRequest.Builder request, String name, String value) {
        return rawInput(request, name, "BYTES", List.of(1L), Tensors.encodeString(value));
    }

    static ModelInferRequest.Builder bool(ModelInferRequest.Builder request, String name, boolean value) {
        return rawInput(request, name, "BOOL", List.of(1L), Tensors.encodeBool(value));
    }

    static ModelInferRequest.Builder contentsInput(
            ModelInferRequest.Builder request,
            String name,
            String datatype,
            List<Long> shape,
            InferTensorContents contents) {
        return request.addInputs(InferInputTensor.newBuilder()
                .setName(name)
                .setDatatype(datatype)
                .addAllShape(shape)
                .setContents(contents));
    }

    /** An echo request with every return_* flag on. */
    static ModelInferRequest.Builder echo(String id, String prompt, boolean stream) {
        ModelInferRequest.Builder r = request(ModelServer.ECHO_MODEL, id);
        text(r, TensorNames.TEXT_INPUT, prompt);
        bool(r, TensorNames.STREAM, stream);
        bool(r, TensorNames.RETURN_FINISH_REASON, true);
        bool(r, TensorNames.RETURN_NUM_INPUT_TOKENS, true);
        return bool(r, TensorNames.RETURN_NUM_OUTPUT_TOKENS, true);
    }

    static ModelInferRequest.Builder maxTokens(ModelInferRequest.Builder r, Object maxTokens) {
        String json = maxTokens instanceof String ? "\"" + maxTokens + "\"" : String.valueOf(maxTokens);
        return text(r, TensorNames.SAMPLING_PARAMETERS, "{\"max_tokens\":" + json + ",\"temperature\":\"0.7\"}");
    }

    static ModelInferRequest.Builder param(ModelInferRequest.Builder r, String key, long value) {
        return r.putParameters(
                key, InferParameter.newBuilder().setInt64Param(value).build());
    }

    static ModelInferRequest.Builder flagParam(ModelInferRequest.Builder r, String key, boolean value) {
        return r.putParameters(
                key, InferParameter.newBuilder().setBoolParam(value).build());
    }

    /** Output data by name, checking there is one raw entry per output and no typed contents. */
    static Map<String, ByteString> outputs(ModelInferResponse response) {
        if (response.getOutputsCount() != response.getRawOutputContentsCount()) {
            throw new AssertionError("outputs and raw_output_contents differ in count: " + response);
        }
        Map<String, ByteString> out = new LinkedHashMap<>();
        for (int i = 0; i < response.getOutputsCount(); i++) {
            if (response.getOutputs(i).hasContents()) {
                throw new AssertionError("typed contents in output: " + response);
            }
            out.put(response.getOutputs(i).getName(), response.getRawOutputContents(i));
        }
        return out;
    }

    static String string(ModelInferResponse response, String output) {
        List<String> values = Tensors.decodeStrings(outputs(response).get(output));
        if (values.size() != 1) {
            throw new AssertionError("expected one element in " + output + ": " + values);
        }
        return values.get(0);
    }

    static int int32(ModelInferResponse response, String output) {
        int[] values = Tensors.decodeInt32(outputs(response).get(output));
        if (values.length != 1) {
            throw new AssertionError("expected one element in " + output);
        }
        return values[0];
    }

    static boolean hasFinalFlag(ModelStreamInferResponse r) {
        return r.getInferResponse().getParametersMap().containsKey(TensorNames.FINAL_RESPONSE);
    }

    static boolean isFinal(ModelStreamInferResponse r) {
        InferParameter p = r.getInferResponse().getParametersMap().get(TensorNames.FINAL_RESPONSE);
        return p != null && p.getBoolParam();
    }
}
