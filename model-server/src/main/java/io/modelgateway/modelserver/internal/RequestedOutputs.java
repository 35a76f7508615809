package io.modelgateway.modelserver.internal;

import inference.ModelInferRequest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The outputs a request asks for; none listed means all of them, as in Triton. */
final class RequestedOutputs {

    private RequestedOutputs() {}

    static Set<String> of(ModelInferRequest request, String model, List<TensorSpec> outputs) throws InferException {
        Set<String> known = new LinkedHashSet<>();
        outputs.forEach(o -> known.add(o.name()));
        if (request.getOutputsCount() == 0) {
            return known;
        }
        Set<String> requested = new LinkedHashSet<>();
        for (ModelInferRequest.InferRequestedOutputTensor output : request.getOutputsList()) {
            if (!known.contains(output.getName())) {
                throw InferException.invalid(
                        "unexpected inference output '" + output.getName() + "' for model '" + model + "'");
            }
            requested.add(output.getName());
        }
        return requested;
    }
}
