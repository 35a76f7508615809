package io.modelgateway.gateway.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelgateway.gateway.policy.PolicySpec;
import io.modelgateway.gateway.policy.RuleSpec;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A policy's {@code stream_window}: validated when stored, merged across levels (the most specific wins), never
 * shorter than the longest completion term, and it is what the answer's filter holds back while redacting.
 */
class StreamWindowTest {

    /** A short redacted term, so the window is the configured one (a detector such as email has a longer match). */
    private static final RuleSpec REDACT_TERM =
            new RuleSpec("secret", "terms", List.of("secret"), null, "redact", "completion", null, null, null);

    private static PolicySpec window(@Nullable Integer window, RuleSpec... rules) {
        return new PolicySpec(
                null, null, null, null, null, null, rules.length == 0 ? null : List.of(rules), null, null, window);
    }

    private static int merged(PolicySpec... levels) {
        return EffectivePolicy.merge(
                        java.util.Arrays.stream(levels).map(Level::compile).toList())
                .window();
    }

    @Test
    void theWindowIsPositiveAndAtMost4096() {
        assertThatThrownBy(() -> Level.compile(window(0))).hasMessage("stream_window must be positive");
        assertThatThrownBy(() -> Level.compile(window(4097))).hasMessage("stream_window must be at most 4096");
        assertThat(merged(window(4096))).isEqualTo(4096);
    }

    @Test
    void defaultSettingMostSpecificLevelAndLongestTerm() {
        assertThat(merged())
                .as("default")
                .isEqualTo(EffectivePolicy.DEFAULT_WINDOW)
                .isEqualTo(64);
        assertThat(merged(window(200))).isEqualTo(200);
        assertThat(merged(window(200), window(32)))
                .as("the deployment level over the tenant's")
                .isEqualTo(32);
        assertThat(merged(window(32), window(null)))
                .as("a level without it keeps the one below")
                .isEqualTo(32);
        String longTerm = "a blocked phrase that is longer than the window";
        RuleSpec terms = new RuleSpec("t", "terms", List.of(longTerm), null, "block", "completion", null, null, null);
        assertThat(merged(window(10, terms)))
                .as("never shorter than the longest term")
                .isEqualTo(longTerm.length());
        RuleSpec emails = new RuleSpec("mail", "email", null, null, "redact", "completion", null, null, null);
        assertThat(merged(window(16, emails)))
                .as("nor than a detector's longest match")
                .isEqualTo(320);
    }

    @Test
    void theRedactingFilterHoldsBackTheWindow() {
        for (int configured : new int[] {16, 256}) {
            EffectivePolicy policy = EffectivePolicy.merge(List.of(Level.compile(window(configured, REDACT_TERM))));
            assertThat(policy.window()).isEqualTo(configured);
            StreamFilter filter = new StreamFilter(policy.rules(), policy.window(), (m, text, side) -> {});
            int in = 0;
            int out = 0;
            String delta = " word";
            for (int i = 0; i < 200; i++) {
                in += delta.length();
                out += filter.accept(delta).length();
            }
            int held = in - out;
            assertThat(held)
                    .as("held back with stream_window " + configured)
                    .isGreaterThanOrEqualTo(configured)
                    .isLessThan(configured * 3 / 2 + delta.length());
            assertThat(out + filter.finish().length())
                    .as("all of it in the end")
                    .isEqualTo(in);
        }
    }
}
