package io.modelgateway.billing.report;

import java.util.List;

/** Which calls a usage report counts: OpenAI's {@code completions} (chat and text) or {@code embeddings}. */
public enum UsageKind {
    COMPLETIONS("completions", List.of("chat", "text_completion")),
    EMBEDDINGS("embeddings", List.of("embeddings"));

    private final String value;
    private final List<String> operations;

    UsageKind(String value, List<String> operations) {
        this.value = value;
        this.operations = operations;
    }

    public String value() {
        return value;
    }

    /** The {@code operation} values of the records it counts. */
    public List<String> operations() {
        return operations;
    }

    /** The {@code object} of its results. */
    public String resultObject() {
        return "organization.usage." + value + ".result";
    }
}
