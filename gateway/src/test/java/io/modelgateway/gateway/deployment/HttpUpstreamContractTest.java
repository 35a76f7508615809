package io.modelgateway.gateway.deployment;

/** The backend contract on an OpenAI-compatible HTTP upstream (a small server in the test). */
class HttpUpstreamContractTest extends BackendContract {

    @Override
    String deployment() {
        return "up-chat";
    }

    @Override
    String chatAnswer(String prompt) {
        return prompt;
    }

    /** The upstream's {@code breaks} model drops the connection after two chunks. */
    @Override
    String breakNextStream() {
        return "up-breaks";
    }

    @Override
    long backendRequests() {
        return UPSTREAM.received.size();
    }
}
