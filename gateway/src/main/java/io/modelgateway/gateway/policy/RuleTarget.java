package io.modelgateway.gateway.policy;

import java.util.Locale;

/** Which text a content rule reads. */
public enum RuleTarget {
    PROMPT,
    COMPLETION,
    BOTH;

    public boolean covers(RuleTarget side) {
        return this == BOTH || this == side;
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RuleTarget parse(String value) {
        return Enum.valueOf(RuleTarget.class, value.toUpperCase(Locale.ROOT));
    }
}
