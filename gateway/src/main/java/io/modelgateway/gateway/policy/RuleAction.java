package io.modelgateway.gateway.policy;

import java.util.Locale;

/** What a content rule does when it matches. */
public enum RuleAction {
    /** A prompt is refused (400 {@code content_filter}); an answer stops ({@code finish_reason: "content_filter"}). */
    BLOCK,
    /** The matched text is replaced (in the prompt before it is forwarded, in the answer before it is sent). */
    REDACT,
    /** Nothing changes; the hit is reported in the annotations and the audit trail. */
    ANNOTATE;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RuleAction parse(String value) {
        return Enum.valueOf(RuleAction.class, value.toUpperCase(Locale.ROOT));
    }
}
