package io.modelgateway.inference.internal;

import static io.modelgateway.inference.TensorNames.SAMPLING_PARAMETERS;

import inference.DataType;
import inference.ModelConfig;
import inference.ModelInput;
import inference.ModelMetadataResponse;
import inference.ModelMetadataResponse.TensorMetadata;
import io.modelgateway.inference.TensorLayout;
import java.util.Set;
import java.util.stream.Collectors;

/** Tells a model's tensor layout from its ModelConfig or ModelMetadata (triton-protocol.md 4a, 4b, 8.4). */
public final class LayoutDetector {

    private LayoutDetector() {}

    public static TensorLayout fromConfig(ModelConfig config) {
        Set<String> inputs =
                config.getInputList().stream().map(ModelInput::getName).collect(Collectors.toSet());
        if ("vllm".equals(config.getBackend())) {
            return VllmTensorLayout.INSTANCE;
        }
        boolean int32MaxTokens = config.getInputList().stream()
                .anyMatch(i -> EnsembleLayout.MAX_TOKENS.equals(i.getName()) && i.getDataType() == DataType.TYPE_INT32);
        if ("ensemble".equals(config.getPlatform()) || int32MaxTokens) {
            return new EnsembleLayout(inputs, config.getMaxBatchSize() > 0);
        }
        if (inputs.contains(SAMPLING_PARAMETERS)) {
            return VllmTensorLayout.INSTANCE;
        }
        throw unknown(
                config.getName(), "platform '" + config.getPlatform() + "', backend '" + config.getBackend() + "'");
    }

    public static TensorLayout fromMetadata(ModelMetadataResponse metadata) {
        Set<String> inputs =
                metadata.getInputsList().stream().map(TensorMetadata::getName).collect(Collectors.toSet());
        if ("vllm".equals(metadata.getPlatform()) || inputs.contains(SAMPLING_PARAMETERS)) {
            return VllmTensorLayout.INSTANCE;
        }
        TensorMetadata maxTokens = metadata.getInputsList().stream()
                .filter(t -> EnsembleLayout.MAX_TOKENS.equals(t.getName()))
                .findFirst()
                .orElse(null);
        if ("ensemble".equals(metadata.getPlatform()) || maxTokens != null && "INT32".equals(maxTokens.getDatatype())) {
            boolean batched =
                    maxTokens == null ? "ensemble".equals(metadata.getPlatform()) : maxTokens.getShapeCount() > 1;
            return new EnsembleLayout(inputs, batched);
        }
        throw unknown(metadata.getName(), "platform '" + metadata.getPlatform() + "'");
    }

    private static IllegalArgumentException unknown(String model, String what) {
        return new IllegalArgumentException("cannot tell the tensor layout of model '" + model + "' (" + what
                + "): neither Triton's vLLM backend nor a TensorRT-LLM ensemble; configure the layout");
    }
}
