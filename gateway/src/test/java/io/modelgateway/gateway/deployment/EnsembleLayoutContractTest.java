package io.modelgateway.gateway.deployment;

/** The backend contract on a Triton pool serving a TensorRT-LLM ensemble's tensors (layout detected). */
class EnsembleLayoutContractTest extends BackendContract {

    @Override
    String deployment() {
        return "contract-ensemble";
    }

    @Override
    String chatAnswer(String prompt) {
        return "user: " + prompt + " assistant:";
    }

    @Override
    String breakNextStream() {
        CONTRACT.failMidStream(1, 2);
        return deployment();
    }

    @Override
    long backendRequests() {
        return CONTRACT.startedRequests();
    }
}
