package io.modelgateway.inference.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import inference.InferParameter;
import inference.ModelInferRequest;
import inference.ModelInferRequest.InferInputTensor;
import inference.ModelInferResponse;
import io.modelgateway.inference.GenerationRequest;
import io.modelgateway.inference.Layout;
import io.modelgateway.inference.TensorLayout;
import io.modelgateway.inference.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnsembleLayoutTest {

    private static final TensorLayout CURRENT = TensorLayout.trtllmEnsemble();

    private static GenerationRequest request(boolean stream, Map<String, Object> sampling) {
        return new GenerationRequest("req-7", "ensemble", "Say héllo 世界", 32, stream, sampling);
    }

    private static Map<String, InferInputTensor> inputs(ModelInferRequest r) {
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

    @Test
    void encodesTypedScalarsWithALeadingBatchDimension() {
        ModelInferRequest r = CURRENT.encode(request(true, Map.of()));
        assertThat(r.getId()).isEqualTo("req-7");
        assertThat(r.getModelName()).isEqualTo("ensemble");
        assertThat(r.getParametersMap())
                .containsEntry(
                        "triton_enable_empty_final_response",
                        InferParameter.newBuilder().setBoolParam(true).build());
        Map<String, InferInputTensor> in = inputs(r);
        assertThat(in.keySet())
                .containsExactly(
                        "text_input",
                        "max_tokens",
                        "stream",
                        "exclude_input_in_output",
                        "return_num_input_tokens",
                        "return_num_output_tokens");
        assertThat(in.values()).allSatisfy(t -> assertThat(t.getShapeList()).containsExactly(1L, 1L));
        assertThat(in.get("text_input").getDatatype()).isEqualTo("BYTES");
        assertThat(in.get("max_tokens").getDatatype()).isEqualTo("INT32");
        assertThat(in.get("stream").getDatatype()).isEqualTo("BOOL");
        assertThat(Tensors.decodeStrings(raw(r, "text_input"))).containsExactly("Say héllo 世界");
        assertThat(Tensors.decodeInt32(raw(r, "max_tokens"))).containsExactly(32);
        assertThat(Tensors.decodeBool(raw(r, "stream"))).isTrue();
        assertThat(Tensors.decodeBool(raw(r, "exclude_input_in_output"))).isTrue();
        assertThat(r.getRawInputContentsCount()).isEqualTo(r.getInputsCount());
    }

    @Test
    void encodesSamplingParametersAsTheirOwnTensors() {
        Map<String, Object> sampling = new LinkedHashMap<>();
        sampling.put("temperature", 0.5);
        sampling.put("top_p", 0.9f);
        sampling.put("seed", 1234567890123L);
        sampling.put("stop", List.of("END", "\n\n"));
        sampling.put("presence_penalty", 0.25);
        sampling.put("top_k", 40);
        ModelInferRequest r = CURRENT.encode(request(false, sampling));
        Map<String, InferInputTensor> in = inputs(r);
        assertThat(in.get("temperature").getDatatype()).isEqualTo("FP32");
        assertThat(Tensors.decodeFp32(raw(r, "temperature"))).containsExactly(0.5f);
        assertThat(Tensors.decodeFp32(raw(r, "top_p"))).containsExactly(0.9f);
        assertThat(Tensors.decodeFp32(raw(r, "presence_penalty"))).containsExactly(0.25f);
        assertThat(in.get("top_k").getDatatype()).isEqualTo("INT32");
        assertThat(Tensors.decodeInt32(raw(r, "top_k"))).containsExactly(40);
        assertThat(in.get("seed").getDatatype()).isEqualTo("UINT64");
        assertThat(ByteBuffer.wrap(raw(r, "seed").toByteArray())
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getLong())
                .isEqualTo(1234567890123L);
        assertThat(in.get("stop_words").getDatatype()).isEqualTo("BYTES");
        assertThat(in.get("stop_words").getShapeList()).containsExactly(1L, 2L);
        assertThat(Tensors.decodeStrings(raw(r, "stop_words"))).containsExactly("END", "\n\n");
        assertThat(Tensors.decodeBool(raw(r, "stream"))).isFalse();
    }

    @Test
    void anOlderEnsembleGetsRandomSeedAndNoUsageSwitches() {
        EnsembleLayout older = new EnsembleLayout(
                Set.of("text_input", "max_tokens", "stream", "random_seed", "min_length", "temperature"), true);
        ModelInferRequest r = older.encode(request(true, Map.of("seed", 7, "min_tokens", "3")));
        assertThat(inputs(r).keySet())
                .containsExactlyInAnyOrder("text_input", "max_tokens", "stream", "random_seed", "min_length");
        assertThat(Tensors.decodeInt32(raw(r, "min_length"))).containsExactly(3);
    }

    @Test
    void withoutABatchDimensionShapesAreFlat() {
        EnsembleLayout flat = new EnsembleLayout(Set.of("text_input", "max_tokens", "stop_words"), false);
        ModelInferRequest r = flat.encode(request(true, Map.of("stop", "x")));
        assertThat(inputs(r).get("text_input").getShapeList()).containsExactly(1L);
        assertThat(inputs(r).get("stop_words").getShapeList()).containsExactly(1L);
    }

    @Test
    void aSamplingValueOfTheWrongTypeIsRejectedBeforeSending() {
        assertThatThrownBy(() -> CURRENT.encode(request(true, Map.of("temperature", "hot"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("temperature");
        assertThatThrownBy(() -> CURRENT.encode(request(true, Map.of("stop", List.of(1, 2)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stop");
    }

    @Test
    void namesTheFirstParameterTheModelHasNoTensorFor() {
        EnsembleLayout noPenalties = new EnsembleLayout(
                Set.of("text_input", "max_tokens", "temperature", "top_p", "stop_words", "seed"), true);
        assertThat(noPenalties.unsupportedParameter(List.of("temperature", "stop", "seed")))
                .isEmpty();
        assertThat(noPenalties.unsupportedParameter(List.of("temperature", "presence_penalty", "logit_bias")))
                .contains("presence_penalty");
        assertThat(CURRENT.unsupportedParameter(List.of("frequency_penalty", "logprobs")))
                .contains("logprobs");
        assertThat(CURRENT.unsupportedParameter(List.of("n"))).contains("n");
        assertThat(CURRENT.unsupportedParameter(List.of("logit_bias"))).contains("logit_bias");
    }

    @Test
    void theVllmLayoutRefusesOnlyWhatTheAdapterCannotReadBack() {
        TensorLayout vllm = TensorLayout.vllm();
        assertThat(vllm.kind()).isEqualTo(Layout.VLLM);
        assertThat(vllm.unsupportedParameter(
                        List.of("temperature", "top_p", "stop", "seed", "presence_penalty", "frequency_penalty")))
                .isEmpty();
        assertThat(vllm.unsupportedParameter(List.of("seed", "logprobs", "n"))).contains("logprobs");
        assertThat(vllm.unsupportedParameter(List.of("logit_bias"))).contains("logit_bias");
    }

    @Test
    void decodesTextAndInt32CountsWithABatchDimension() {
        ModelInferResponse.Builder r = ModelInferResponse.newBuilder()
                .setId("req-7")
                .putParameters(
                        "triton_final_response",
                        InferParameter.newBuilder().setBoolParam(true).build());
        add(r, "text_output", "BYTES", Tensors.encodeString(" world"));
        add(r, "num_input_tokens", "INT32", Tensors.encodeInt32(5));
        add(r, "num_output_tokens", "INT32", Tensors.encodeInt32(2));
        TensorLayout.Decoded d = CURRENT.decode(r.build());
        assertThat(d).isEqualTo(new TensorLayout.Decoded(" world", 5, 2, null, true));
    }

    private static void add(ModelInferResponse.Builder r, String name, String datatype, ByteString raw) {
        r.addOutputs(ModelInferResponse.InferOutputTensor.newBuilder()
                        .setName(name)
                        .setDatatype(datatype)
                        .addShape(1)
                        .addShape(1))
                .addRawOutputContents(raw);
    }
}
