package io.modelgateway.inference.internal;

import static io.modelgateway.inference.TensorNames.*;

import com.google.protobuf.ByteString;
import inference.InferParameter;
import inference.ModelInferRequest;
import inference.ModelInferRequest.InferInputTensor;
import inference.ModelInferResponse;
import io.modelgateway.inference.GenerationRequest;
import io.modelgateway.inference.Tensors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tensors of Triton's vLLM backend: {@code text_input}, {@code stream}, {@code sampling_parameters}
 * (JSON), {@code exclude_input_in_output} and the {@code return_*} switches in; {@code text_output}
 * deltas, {@code finish_reason}, {@code num_input_tokens}, {@code num_output_tokens} out. No batch
 * dimension: every input has shape {@code [1]}.
 */
public final class VllmLayout {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ByteString TRUE = Tensors.encodeBool(true);
    private static final InferParameter BOOL_TRUE =
            InferParameter.newBuilder().setBoolParam(true).build();

    private VllmLayout() {}

    public static ModelInferRequest encode(GenerationRequest req) {
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder()
                .setModelName(req.model())
                .setId(req.requestId())
                .putParameters(ENABLE_EMPTY_FINAL_RESPONSE, BOOL_TRUE);
        input(b, TEXT_INPUT, "BYTES", Tensors.encodeString(req.prompt()));
        input(b, STREAM, "BOOL", Tensors.encodeBool(req.stream()));
        input(b, SAMPLING_PARAMETERS, "BYTES", Tensors.encodeString(samplingJson(req)));
        input(b, EXCLUDE_INPUT_IN_OUTPUT, "BOOL", TRUE);
        input(b, RETURN_FINISH_REASON, "BOOL", TRUE);
        input(b, RETURN_NUM_INPUT_TOKENS, "BOOL", TRUE);
        input(b, RETURN_NUM_OUTPUT_TOKENS, "BOOL", TRUE);
        return b.build();
    }

    /** The {@code sampling_parameters} JSON: the request's sampling fields, then {@code max_tokens}. */
    static String samplingJson(GenerationRequest req) {
        if (req.sampling().isEmpty()) {
            return "{\"max_tokens\":" + req.maxTokens() + "}"; // the usual call: no tree, no mapper
        }
        Map<String, Object> sampling = new LinkedHashMap<>(req.sampling());
        sampling.put("max_tokens", req.maxTokens());
        return JSON.writeValueAsString(sampling);
    }

    private static void input(ModelInferRequest.Builder b, String name, String datatype, ByteString raw) {
        b.addInputs(InferInputTensor.newBuilder()
                .setName(name)
                .setDatatype(datatype)
                .addShape(1));
        b.addRawInputContents(raw);
    }

    /** One decoded stream response: -1 marks a count the backend did not send. */
    public record Decoded(String text, int inputTokens, int outputTokens, String finishReason, boolean last) {}

    public static Decoded decode(ModelInferResponse r) {
        StringBuilder text = new StringBuilder();
        int in = -1;
        int out = -1;
        String finish = null;
        List<ModelInferResponse.InferOutputTensor> outputs = r.getOutputsList();
        for (int i = 0; i < outputs.size() && i < r.getRawOutputContentsCount(); i++) {
            ByteString raw = r.getRawOutputContents(i);
            switch (outputs.get(i).getName()) {
                case TEXT_OUTPUT -> Tensors.decodeStrings(raw).forEach(text::append);
                case NUM_INPUT_TOKENS -> in = first(Tensors.decodeInt32(raw));
                case NUM_OUTPUT_TOKENS -> out = sum(Tensors.decodeInt32(raw));
                case FINISH_REASON -> finish = firstString(raw);
                default -> {}
            }
        }
        return new Decoded(text.toString(), in, out, finish, isFinal(r));
    }

    public static boolean isFinal(ModelInferResponse r) {
        InferParameter p = r.getParametersMap().get(FINAL_RESPONSE);
        return p != null && p.getBoolParam();
    }

    public static boolean hasFinalFlag(ModelInferResponse r) {
        return r.getParametersMap().containsKey(FINAL_RESPONSE);
    }

    /** vLLM's finish reasons to OpenAI's. */
    public static String openAiFinishReason(String vllm, boolean hitMaxTokens) {
        if (vllm == null || vllm.isEmpty()) {
            return hitMaxTokens ? "length" : "stop";
        }
        return switch (vllm) {
            case "length" -> "length";
            case "abort" -> "stop";
            default -> "stop";
        };
    }

    private static int first(int[] v) {
        return v.length == 0 ? -1 : v[0];
    }

    private static int sum(int[] v) {
        int s = 0;
        for (int x : v) {
            s += x;
        }
        return v.length == 0 ? -1 : s;
    }

    private static String firstString(ByteString raw) {
        List<String> s = Tensors.decodeStrings(raw);
        return s.isEmpty() ? null : s.get(0);
    }
}
