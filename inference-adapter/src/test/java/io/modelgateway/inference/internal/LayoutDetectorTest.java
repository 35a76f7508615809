package io.modelgateway.inference.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import inference.DataType;
import inference.ModelConfig;
import inference.ModelInput;
import inference.ModelMetadataResponse;
import inference.ModelMetadataResponse.TensorMetadata;
import io.modelgateway.inference.Layout;
import io.modelgateway.inference.TensorLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayoutDetectorTest {

    private static ModelInput input(String name, DataType type) {
        return ModelInput.newBuilder()
                .setName(name)
                .setDataType(type)
                .addDims(1)
                .build();
    }

    @Test
    void theVllmBackendIsVllm() {
        ModelConfig vllm = ModelConfig.newBuilder()
                .setName("llama")
                .setBackend("vllm")
                .addInput(input("text_input", DataType.TYPE_STRING))
                .build();
        assertThat(TensorLayout.detect(vllm).kind()).isEqualTo(Layout.VLLM);
    }

    @Test
    void anEnsembleKeepsItsBatchDimensionAndDeclaredInputs() {
        ModelConfig ensemble = ModelConfig.newBuilder()
                .setName("ensemble")
                .setPlatform("ensemble")
                .setMaxBatchSize(64)
                .addInput(input("text_input", DataType.TYPE_STRING))
                .addInput(input("max_tokens", DataType.TYPE_INT32))
                .addInput(input("temperature", DataType.TYPE_FP32))
                .addInput(input("random_seed", DataType.TYPE_UINT64))
                .build();
        TensorLayout layout = TensorLayout.detect(ensemble);
        assertThat(layout.kind()).isEqualTo(Layout.TRTLLM_ENSEMBLE);
        assertThat(((EnsembleLayout) layout).batched()).isTrue();
        assertThat(layout.unsupportedParameter(List.of("temperature", "seed"))).isEmpty();
        assertThat(layout.unsupportedParameter(List.of("temperature", "top_p"))).contains("top_p");
    }

    @Test
    void aBatchingModelWithAnInt32MaxTokensIsAnEnsembleLayout() {
        ModelConfig bls = ModelConfig.newBuilder()
                .setName("tensorrt_llm_bls")
                .setBackend("python")
                .setMaxBatchSize(8)
                .addInput(input("text_input", DataType.TYPE_STRING))
                .addInput(input("max_tokens", DataType.TYPE_INT32))
                .build();
        assertThat(TensorLayout.detect(bls).kind()).isEqualTo(Layout.TRTLLM_ENSEMBLE);
    }

    @Test
    void aPythonModelWithSamplingParametersIsVllm() {
        ModelConfig custom = ModelConfig.newBuilder()
                .setName("custom")
                .setBackend("python")
                .addInput(input("text_input", DataType.TYPE_STRING))
                .addInput(input("sampling_parameters", DataType.TYPE_STRING))
                .build();
        assertThat(TensorLayout.detect(custom).kind()).isEqualTo(Layout.VLLM);
    }

    @Test
    void anythingElseIsRefusedWithAHint() {
        ModelConfig onnx = ModelConfig.newBuilder()
                .setName("resnet")
                .setPlatform("onnxruntime_onnx")
                .addInput(input("pixels", DataType.TYPE_FP32))
                .build();
        assertThatThrownBy(() -> TensorLayout.detect(onnx))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resnet")
                .hasMessageContaining("configure the layout");
    }

    @Test
    void metadataTellsTheSame() {
        ModelMetadataResponse ensemble = ModelMetadataResponse.newBuilder()
                .setName("e")
                .setPlatform("ensemble")
                .addInputs(TensorMetadata.newBuilder()
                        .setName("text_input")
                        .setDatatype("BYTES")
                        .addShape(-1)
                        .addShape(1))
                .addInputs(TensorMetadata.newBuilder()
                        .setName("max_tokens")
                        .setDatatype("INT32")
                        .addShape(-1)
                        .addShape(1))
                .build();
        TensorLayout layout = TensorLayout.detect(ensemble);
        assertThat(layout.kind()).isEqualTo(Layout.TRTLLM_ENSEMBLE);
        assertThat(((EnsembleLayout) layout).batched()).isTrue();

        ModelMetadataResponse vllm = ModelMetadataResponse.newBuilder()
                .setName("v")
                .setPlatform("vllm")
                .addInputs(TensorMetadata.newBuilder()
                        .setName("text_input")
                        .setDatatype("BYTES")
                        .addShape(1))
                .build();
        assertThat(TensorLayout.detect(vllm).kind()).isEqualTo(Layout.VLLM);
    }
}
