package io.modelgateway.gateway.policy;

import java.util.Locale;

/** What a content rule looks for. */
public enum RuleType {
    /** A blocklist of terms (whole words by default, case-insensitive by default), one automaton for all. */
    TERMS("custom_blocklists"),
    /** A regular expression, matched in linear time (RE2 semantics: no backreferences, no lookaround). */
    REGEX("custom_blocklists"),
    /** E-mail addresses. */
    EMAIL("pii"),
    /** Phone numbers: 9 to 15 digits, with optional country code and separators. */
    PHONE("pii"),
    /** Payment card numbers: 13 to 19 digits that pass the Luhn check. */
    PAYMENT_CARD("pii"),
    /** IBANs that pass the ISO 13616 mod-97 check. */
    IBAN("pii"),
    /** API keys and secrets: OpenAI-style {@code sk-...}, AWS access keys, GitHub, Slack, Google keys, PEM keys. */
    API_KEY("secrets");

    private final String category;

    RuleType(String category) {
        this.category = category;
    }

    /** The Azure-style annotation category hits of this type are reported under. */
    public String category() {
        return category;
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RuleType parse(String value) {
        return Enum.valueOf(RuleType.class, value.toUpperCase(Locale.ROOT));
    }

    /** A detector needs no terms or pattern. */
    public boolean detector() {
        return this != TERMS && this != REGEX;
    }
}
