package io.modelgateway.gateway.policy.internal;

import io.modelgateway.gateway.policy.ContentRules;
import io.modelgateway.gateway.policy.PolicySpec;
import org.jspecify.annotations.Nullable;

/** One stored level of policy with its rules compiled (once, when stored or loaded). */
record Level(PolicySpec spec, ContentRules rules) {

    /** Validates and compiles; {@link IllegalArgumentException} names what is wrong. */
    static Level compile(PolicySpec spec) {
        positive(spec.maxTokens(), "max_tokens");
        positive(spec.maxPromptTokens(), "max_prompt_tokens");
        positive(spec.maxRequestBytes(), "max_request_bytes");
        positive(spec.streamWindow(), "stream_window");
        if (spec.streamWindow() != null && spec.streamWindow() > EffectivePolicy.MAX_WINDOW) {
            throw new IllegalArgumentException("stream_window must be at most " + EffectivePolicy.MAX_WINDOW);
        }
        if (spec.maxTokensAction() != null && !spec.maxTokensAction().matches("lower|refuse")) {
            throw new IllegalArgumentException("max_tokens_action must be 'lower' or 'refuse'");
        }
        blankFree(spec.allowedParameters(), "allowed_parameters");
        blankFree(spec.regions(), "regions");
        return new Level(spec, ContentRules.compile(spec.rules()));
    }

    private static void positive(@Nullable Integer value, String field) {
        if (value != null && value < 1) {
            throw new IllegalArgumentException(field + " must be positive");
        }
    }

    private static void blankFree(java.util.@Nullable List<String> values, String field) {
        if (values != null && values.stream().anyMatch(v -> v == null || v.isBlank())) {
            throw new IllegalArgumentException(field + " must not contain blank values");
        }
    }
}
