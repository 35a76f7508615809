package io.modelgateway.inference.internal;

import inference.ModelInferRequest;
import inference.ModelInferResponse;
import io.modelgateway.inference.GenerationRequest;
import io.modelgateway.inference.Layout;
import io.modelgateway.inference.TensorLayout;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * {@link VllmLayout} as a {@link TensorLayout}. Sampling parameters pass through as vLLM JSON, except those
 * whose answer this adapter cannot read back: several choices ({@code n}) and log probabilities; and
 * {@code logit_bias}, whose token ids belong to OpenAI's tokenizer, not the model's.
 */
public final class VllmTensorLayout implements TensorLayout {

    public static final VllmTensorLayout INSTANCE = new VllmTensorLayout();

    private static final Set<String> UNSUPPORTED = Set.of("n", "logprobs", "top_logprobs", "logit_bias");

    private VllmTensorLayout() {}

    @Override
    public Layout kind() {
        return Layout.VLLM;
    }

    @Override
    public ModelInferRequest encode(GenerationRequest request) {
        return VllmLayout.encode(request);
    }

    @Override
    public Decoded decode(ModelInferResponse response) {
        VllmLayout.Decoded d = VllmLayout.decode(response);
        return new Decoded(d.text(), d.inputTokens(), d.outputTokens(), d.finishReason(), d.last());
    }

    @Override
    public Optional<String> unsupportedParameter(Collection<String> samplingKeys) {
        return samplingKeys.stream().filter(UNSUPPORTED::contains).findFirst();
    }

    @Override
    public String toString() {
        return "vllm";
    }
}
