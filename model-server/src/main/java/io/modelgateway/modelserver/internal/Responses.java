package io.modelgateway.modelserver.internal;

import com.google.protobuf.ByteString;
import inference.InferParameter;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ModelStreamInferResponse;
import io.modelgateway.inference.TensorNames;

/** Builders for the response messages Triton sends. */
public final class Responses {

    private Responses() {}

    /** A response to {@code request}: its id and model name, version "1". */
    public static ModelInferResponse.Builder to(ModelInferRequest request) {
        return ModelInferResponse.newBuilder()
                .setModelName(request.getModelName())
                .setModelVersion(Model.VERSION)
                .setId(request.getId());
    }

    /** Adds one output; its data goes to raw_output_contents at the same index, as Triton does. */
    public static ModelInferResponse.Builder addOutput(
            ModelInferResponse.Builder response, String name, String datatype, long[] shape, ByteString raw) {
        ModelInferResponse.InferOutputTensor.Builder tensor =
                ModelInferResponse.InferOutputTensor.newBuilder().setName(name).setDatatype(datatype);
        for (long d : shape) {
            tensor.addShape(d);
        }
        return response.addOutputs(tensor).addRawOutputContents(raw);
    }

    static ModelInferResponse withFinalFlag(ModelInferResponse response, boolean last) {
        return response.toBuilder()
                .putParameters(TensorNames.FINAL_RESPONSE, bool(last))
                .build();
    }

    /** Triton's empty final response: id, model name and version, the final flag, nothing else. */
    static ModelInferResponse emptyFinal(ModelInferRequest request) {
        return to(request).putParameters(TensorNames.FINAL_RESPONSE, bool(true)).build();
    }

    static ModelStreamInferResponse stream(ModelInferResponse response) {
        return ModelStreamInferResponse.newBuilder().setInferResponse(response).build();
    }

    /** An error found when the request was issued: message and id only, no final flag. */
    static ModelStreamInferResponse issueError(ModelInferRequest request, String message) {
        return ModelStreamInferResponse.newBuilder()
                .setErrorMessage(message)
                .setInferResponse(ModelInferResponse.newBuilder().setId(request.getId()))
                .build();
    }

    /** An error raised by the model: message, id, model name and version, and the final flag. */
    static ModelStreamInferResponse modelError(ModelInferRequest request, String message) {
        return ModelStreamInferResponse.newBuilder()
                .setErrorMessage(message)
                .setInferResponse(emptyFinal(request))
                .build();
    }

    private static InferParameter bool(boolean value) {
        return InferParameter.newBuilder().setBoolParam(value).build();
    }
}
