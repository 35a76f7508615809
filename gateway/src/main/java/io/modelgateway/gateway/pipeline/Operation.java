package io.modelgateway.gateway.pipeline;

/** What a call asks of its deployment, named as OpenTelemetry's {@code gen_ai.operation.name}. */
public enum Operation {
    CHAT("chat"),
    COMPLETION("text_completion"),
    EMBEDDINGS("embeddings");

    private final String otelName;

    Operation(String otelName) {
        this.otelName = otelName;
    }

    public String otelName() {
        return otelName;
    }
}
