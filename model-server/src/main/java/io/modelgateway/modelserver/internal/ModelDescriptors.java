package io.modelgateway.modelserver.internal;

import inference.ModelConfig;
import inference.ModelInput;
import inference.ModelMetadataResponse;
import inference.ModelOutput;
import inference.ModelTransactionPolicy;
import java.util.List;

/** ModelConfig and ModelMetadata of a model, both derived from its tensor specs. */
public record ModelDescriptors(
        String name,
        String platform,
        String backend,
        int maxBatchSize,
        boolean decoupled,
        List<TensorSpec> inputs,
        List<TensorSpec> outputs) {

    public ModelDescriptors {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    public ModelConfig config() {
        ModelConfig.Builder config = ModelConfig.newBuilder()
                .setName(name)
                .setPlatform(platform)
                .setBackend(backend)
                .setMaxBatchSize(maxBatchSize)
                .setModelTransactionPolicy(ModelTransactionPolicy.newBuilder().setDecoupled(decoupled));
        for (TensorSpec in : inputs) {
            config.addInput(ModelInput.newBuilder()
                    .setName(in.name())
                    .setDataType(in.configType())
                    .addAllDims(in.dims())
                    .setOptional(in.optional()));
        }
        for (TensorSpec out : outputs) {
            config.addOutput(ModelOutput.newBuilder()
                    .setName(out.name())
                    .setDataType(out.configType())
                    .addAllDims(out.dims()));
        }
        return config.build();
    }

    public ModelMetadataResponse metadata() {
        ModelMetadataResponse.Builder metadata = ModelMetadataResponse.newBuilder()
                .setName(name)
                .addVersions(Model.VERSION)
                .setPlatform(platform.isEmpty() ? backend : platform);
        inputs.forEach(in -> metadata.addInputs(tensor(in)));
        outputs.forEach(out -> metadata.addOutputs(tensor(out)));
        return metadata.build();
    }

    private ModelMetadataResponse.TensorMetadata tensor(TensorSpec spec) {
        ModelMetadataResponse.TensorMetadata.Builder tensor = ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(spec.name())
                .setDatatype(spec.datatype());
        if (maxBatchSize > 0) {
            tensor.addShape(-1);
        }
        return tensor.addAllShape(spec.dims()).build();
    }
}
