package io.modelgateway.gateway.deployment;

/** The backend contract on a Triton pool serving the vLLM backend's tensors (layout detected). */
class VllmLayoutContractTest extends BackendContract {

    @Override
    String deployment() {
        return "contract-vllm";
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
