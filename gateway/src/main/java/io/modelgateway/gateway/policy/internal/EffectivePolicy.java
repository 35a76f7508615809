package io.modelgateway.gateway.policy.internal;

import io.modelgateway.gateway.policy.ContentRules;
import io.modelgateway.gateway.policy.PolicySpec;
import io.modelgateway.gateway.policy.RuleTarget;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What applies to one tenant on one deployment, merged from the levels and ready for the request path.
 *
 * @param allowedParameters {@code null} = all
 * @param regions empty = anywhere
 * @param window look-behind (and redaction hold-back) of the answer's filter, in characters
 */
record EffectivePolicy(
        PolicySpec spec,
        @Nullable Integer maxTokens,
        boolean refuseOverMaxTokens,
        @Nullable Integer maxPromptTokens,
        @Nullable Integer maxRequestBytes,
        @Nullable Set<String> allowedParameters,
        Set<String> regions,
        ContentRules rules,
        boolean billFilteredPrompts,
        boolean auditMatchedText,
        int window) {

    static final int DEFAULT_WINDOW = 64;
    static final int MAX_WINDOW = 4096;
    /** Always allowed: without them there is no request. */
    static final Set<String> ESSENTIAL = Set.of("model", "messages", "prompt", "input");

    static final EffectivePolicy NONE = of(PolicySpec.EMPTY, ContentRules.NONE);

    /** @param levels from the platform default to the most specific */
    static EffectivePolicy merge(List<Level> levels) {
        PolicySpec spec = PolicySpec.EMPTY;
        ContentRules rules = ContentRules.NONE;
        for (Level level : levels) {
            spec = spec.with(level.spec());
            if (level.spec().rules() != null) {
                rules = level.rules();
            }
        }
        return of(spec, rules);
    }

    private static EffectivePolicy of(PolicySpec s, ContentRules rules) {
        int longest = rules.longestMatch(RuleTarget.COMPLETION);
        int window =
                Math.min(MAX_WINDOW, Math.max(s.streamWindow() != null ? s.streamWindow() : DEFAULT_WINDOW, longest));
        return new EffectivePolicy(
                s,
                s.maxTokens(),
                "refuse".equals(s.maxTokensAction()),
                s.maxPromptTokens(),
                s.maxRequestBytes(),
                s.allowedParameters() == null ? null : Set.copyOf(s.allowedParameters()),
                s.regions() == null ? Set.of() : Set.copyOf(s.regions()),
                rules,
                !Boolean.FALSE.equals(s.billFilteredPrompts()),
                Boolean.TRUE.equals(s.auditMatchedText()),
                window);
    }

    /** Nothing to check: the request path returns at once. */
    boolean unrestricted() {
        return maxTokens == null
                && maxPromptTokens == null
                && maxRequestBytes == null
                && allowedParameters == null
                && regions.isEmpty()
                && rules.isEmpty();
    }
}
