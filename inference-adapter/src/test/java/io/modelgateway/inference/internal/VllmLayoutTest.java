package io.modelgateway.inference.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import inference.InferParameter;
import inference.ModelInferRequest;
import inference.ModelInferRequest.InferInputTensor;
import inference.ModelInferResponse;
import inference.ModelInferResponse.InferOutputTensor;
import io.modelgateway.inference.GenerationRequest;
import io.modelgateway.inference.Tensors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class VllmLayoutTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Map<String, InferInputTensor> inputsByName(ModelInferRequest r) {
        Map<String, InferInputTensor> m = new LinkedHashMap<>();
        r.getInputsList().forEach(t -> m.put(t.getName(), t));
        return m;
    }

    private static ByteString raw(ModelInferRequest r, String name) {
        for (int i = 0; i < r.getInputsCount(); i++) {
            if (r.getInputs(i).getName().equals(name)) {
                return r.getRawInputContents(i);
            }
        }
        throw new AssertionError("no input " + name);
    }

    private static GenerationRequest request(boolean stream, Map<String, Object> sampling) {
        return new GenerationRequest("req-42", "llama-3-8b", "Say héllo 世界 😀", 64, stream, sampling);
    }

    @Test
    void encodeSetsIdModelAndEmptyFinalResponseParameter() {
        ModelInferRequest r = VllmLayout.encode(request(true, Map.of()));
        assertThat(r.getId()).isEqualTo("req-42");
        assertThat(r.getModelName()).isEqualTo("llama-3-8b");
        assertThat(r.getModelVersion()).isEmpty();
        assertThat(r.getParametersMap()).containsOnlyKeys("triton_enable_empty_final_response");
        InferParameter p = r.getParametersMap().get("triton_enable_empty_final_response");
        assertThat(p.getParameterChoiceCase()).isEqualTo(InferParameter.ParameterChoiceCase.BOOL_PARAM);
        assertThat(p.getBoolParam()).isTrue();
        assertThat(r.getOutputsList()).as("empty = all outputs").isEmpty();
    }

    @Test
    void encodeUsesRawContentsOnlyWithShapeOneAndVllmDatatypes() {
        ModelInferRequest r = VllmLayout.encode(request(true, Map.of()));
        Map<String, InferInputTensor> in = inputsByName(r);
        assertThat(in)
                .containsOnlyKeys(
                        "text_input",
                        "stream",
                        "sampling_parameters",
                        "exclude_input_in_output",
                        "return_finish_reason",
                        "return_num_input_tokens",
                        "return_num_output_tokens");
        assertThat(r.getInputsCount()).as("no duplicate inputs").isEqualTo(in.size());
        assertThat(r.getRawInputContentsCount()).as("one raw entry per input").isEqualTo(r.getInputsCount());
        for (InferInputTensor t : r.getInputsList()) {
            assertThat(t.getShapeList()).as("%s shape", t.getName()).containsExactly(1L);
            assertThat(t.hasContents())
                    .as("%s must not mix contents with raw", t.getName())
                    .isFalse();
            String expected =
                    t.getName().equals("text_input") || t.getName().equals("sampling_parameters") ? "BYTES" : "BOOL";
            assertThat(t.getDatatype()).as("%s datatype", t.getName()).isEqualTo(expected);
        }
        assertThat(Tensors.decodeStrings(raw(r, "text_input"))).containsExactly("Say héllo 世界 😀");
        assertThat(raw(r, "text_input")).isEqualTo(Tensors.encodeString("Say héllo 世界 😀"));
        assertThat(raw(r, "stream").size()).isEqualTo(1);
        assertThat(Tensors.decodeBool(raw(r, "stream"))).isTrue();
        assertThat(Tensors.decodeBool(raw(r, "exclude_input_in_output"))).isTrue();
        assertThat(Tensors.decodeBool(raw(r, "return_finish_reason"))).isTrue();
        assertThat(Tensors.decodeBool(raw(r, "return_num_input_tokens"))).isTrue();
        assertThat(Tensors.decodeBool(raw(r, "return_num_output_tokens"))).isTrue();
    }

    @Test
    void nonStreamingRequestSendsStreamFalse() {
        ModelInferRequest r = VllmLayout.encode(request(false, Map.of()));
        assertThat(raw(r, "stream").toByteArray()).containsExactly(0);
        assertThat(Tensors.decodeBool(raw(r, "exclude_input_in_output"))).isTrue();
    }

    @Test
    void samplingParametersJsonHoldsMaxTokensAndGivenKeys() {
        Map<String, Object> sampling = new LinkedHashMap<>();
        sampling.put("temperature", 0.2);
        sampling.put("top_p", 0.9);
        sampling.put("stop", List.of("\n", "</s>"));
        sampling.put("seed", 7);
        ModelInferRequest r = VllmLayout.encode(request(true, sampling));
        List<String> json = Tensors.decodeStrings(raw(r, "sampling_parameters"));
        assertThat(json).hasSize(1);
        JsonNode n = JSON.readTree(json.get(0));
        assertThat(n.isObject()).isTrue();
        assertThat(n.propertyNames()).containsExactlyInAnyOrder("temperature", "top_p", "stop", "seed", "max_tokens");
        assertThat(n.get("max_tokens").asInt()).isEqualTo(64);
        assertThat(n.get("max_tokens").isNumber()).isTrue();
        assertThat(n.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(n.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(n.get("seed").asInt()).isEqualTo(7);
        assertThat(n.get("stop").isArray()).isTrue();
        assertThat(n.get("stop").get(0).asString()).isEqualTo("\n");
        assertThat(n.get("stop").get(1).asString()).isEqualTo("</s>");
    }

    @Test
    void withoutSamplingFieldsTheJsonIsMaxTokensAloneAndTheMappersOwnSpelling() {
        ModelInferRequest r = VllmLayout.encode(request(false, Map.of()));
        String json = Tensors.decodeStrings(raw(r, "sampling_parameters")).get(0);
        assertThat(json).isEqualTo("{\"max_tokens\":64}");
        assertThat(json).isEqualTo(JSON.writeValueAsString(Map.of("max_tokens", 64)));
    }

    @Test
    void requestMaxTokensWinsOverASamplingEntry() {
        ModelInferRequest r = VllmLayout.encode(request(true, Map.of("max_tokens", 5)));
        JsonNode n = JSON.readTree(
                Tensors.decodeStrings(raw(r, "sampling_parameters")).get(0));
        assertThat(n.get("max_tokens").asInt()).isEqualTo(64);
        assertThat(n.size()).isEqualTo(1);
    }

    // ---- decoding

    private static final class Response {
        private final ModelInferResponse.Builder b = ModelInferResponse.newBuilder()
                .setModelName("llama-3-8b")
                .setModelVersion("1")
                .setId("req-42");

        Response out(String name, String datatype, ByteString raw, long... shape) {
            InferOutputTensor.Builder t =
                    InferOutputTensor.newBuilder().setName(name).setDatatype(datatype);
            for (long s : shape) {
                t.addShape(s);
            }
            b.addOutputs(t);
            b.addRawOutputContents(raw);
            return this;
        }

        Response text(String... s) {
            return out("text_output", "BYTES", Tensors.encodeStrings(List.of(s)), s.length);
        }

        Response inputTokens(int n) {
            return out("num_input_tokens", "UINT32", Tensors.encodeInt32(n), 1);
        }

        Response outputTokens(int n) {
            return out("num_output_tokens", "UINT32", Tensors.encodeInt32(n), 1);
        }

        Response finish(String reason) {
            return out("finish_reason", "BYTES", Tensors.encodeString(reason), 1);
        }

        Response fin(boolean value) {
            b.putParameters(
                    "triton_final_response",
                    InferParameter.newBuilder().setBoolParam(value).build());
            return this;
        }

        ModelInferResponse build() {
            return b.build();
        }
    }

    @Test
    void decodeMapsOutputsByNameInAnyOrder() {
        ModelInferResponse r = new Response()
                .outputTokens(3)
                .finish("stop")
                .text("Hi there")
                .inputTokens(12)
                .fin(true)
                .build();
        VllmLayout.Decoded d = VllmLayout.decode(r);
        assertThat(d).isEqualTo(new VllmLayout.Decoded("Hi there", 12, 3, "stop", true));

        ModelInferResponse other = new Response()
                .inputTokens(12)
                .text("Hi there")
                .outputTokens(3)
                .finish("stop")
                .fin(true)
                .build();
        assertThat(VllmLayout.decode(other)).isEqualTo(d);
    }

    @Test
    void decodeWithoutFinalFlagIsNotLast() {
        ModelInferResponse r =
                new Response().text("Hel").inputTokens(5).outputTokens(1).build();
        VllmLayout.Decoded d = VllmLayout.decode(r);
        assertThat(d).isEqualTo(new VllmLayout.Decoded("Hel", 5, 1, null, false));
        assertThat(VllmLayout.hasFinalFlag(r)).isFalse();
        assertThat(VllmLayout.isFinal(r)).isFalse();

        ModelInferResponse notFinal = new Response().text("Hel").fin(false).build();
        assertThat(VllmLayout.hasFinalFlag(notFinal)).isTrue();
        assertThat(VllmLayout.isFinal(notFinal)).isFalse();
        assertThat(VllmLayout.decode(notFinal).last()).isFalse();
    }

    @Test
    void emptyFinalResponseDecodesToNothingButLast() {
        ModelInferResponse r = new Response().fin(true).build();
        assertThat(VllmLayout.hasFinalFlag(r)).isTrue();
        assertThat(VllmLayout.decode(r)).isEqualTo(new VllmLayout.Decoded("", -1, -1, null, true));
    }

    @Test
    void missingCountsAreMinusOne() {
        VllmLayout.Decoded d =
                VllmLayout.decode(new Response().text("x").fin(true).build());
        assertThat(d.inputTokens()).isEqualTo(-1);
        assertThat(d.outputTokens()).isEqualTo(-1);
        assertThat(d.finishReason()).isNull();
    }

    @Test
    void decodeAcceptsInt32CountsWithBatchShapeAndIgnoresUnknownOutputs() {
        // TRT-LLM style: INT32 [1,1]; plus an output the adapter does not read
        ModelInferResponse r = new Response()
                .out("cumulative_logprob", "FP32", Tensors.encodeFp32(new float[] {-1.5f}), 1)
                .out("num_input_tokens", "INT32", Tensors.encodeInt32(7), 1, 1)
                .text("é世界😀")
                .out("num_output_tokens", "INT32", Tensors.encodeInt32(0), 1, 1)
                .finish("length")
                .build();
        assertThat(VllmLayout.decode(r)).isEqualTo(new VllmLayout.Decoded("é世界😀", 7, 0, "length", false));
    }

    @Test
    void decodeJoinsAllTextElements() {
        assertThat(VllmLayout.decode(new Response().text("a", "b", "").build()).text())
                .isEqualTo("ab");
    }

    @Test
    void finishReasonMapping() {
        assertThat(VllmLayout.openAiFinishReason("stop", false)).isEqualTo("stop");
        assertThat(VllmLayout.openAiFinishReason("stop", true)).isEqualTo("stop");
        assertThat(VllmLayout.openAiFinishReason("length", false)).isEqualTo("length");
        assertThat(VllmLayout.openAiFinishReason("abort", false)).isEqualTo("stop");
        assertThat(VllmLayout.openAiFinishReason(null, false)).isEqualTo("stop");
        assertThat(VllmLayout.openAiFinishReason(null, true)).isEqualTo("length");
        assertThat(VllmLayout.openAiFinishReason("", true)).isEqualTo("length");
    }
}
