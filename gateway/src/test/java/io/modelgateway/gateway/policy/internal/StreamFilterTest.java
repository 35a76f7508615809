package io.modelgateway.gateway.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.policy.ContentRules;
import io.modelgateway.gateway.policy.RuleSpec;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class StreamFilterTest {

    private final List<String> hits = new ArrayList<>();

    private StreamFilter filter(String type, @Nullable List<String> terms, String action) {
        ContentRules rules = ContentRules.compile(
                List.of(new RuleSpec("r", type, terms, null, action, "completion", null, null, null)));
        return new StreamFilter(
                rules,
                64,
                (m, text, side) -> hits.add(text.subSequence(m.start(), m.end()).toString()));
    }

    @Test
    void aBlockedTermSplitAcrossDeltasStopsWithoutHoldingAnythingBack() {
        StreamFilter f = filter("terms", List.of("secret sauce"), "block");
        assertThat(f.accept("the")).isEqualTo("the");
        assertThat(f.accept(" sec")).isEqualTo(" sec");
        assertThat(f.stopped()).isFalse();
        assertThat(f.accept("ret sa")).isEqualTo("ret sa");
        assertThat(f.accept("uce is")).isEmpty();
        assertThat(f.stopped()).isTrue();
        assertThat(f.accept(" more")).isEmpty();
        assertThat(hits).containsExactly("secret sauce");
        assertThat(f.results()).containsKey("custom_blocklists");
    }

    @Test
    void aRedactedTermSplitAcrossDeltasNeverLeavesInParts() {
        StreamFilter f = filter("terms", List.of("secret sauce"), "redact");
        StringBuilder out = new StringBuilder();
        for (String d : List.of("the", " sec", "ret", " sau", "ce", " is", " good")) {
            out.append(f.accept(d));
        }
        out.append(f.finish());
        assertThat(out).hasToString("the [REDACTED] is good");
        assertThat(f.stopped()).isFalse();
        assertThat(hits).containsExactly("secret sauce");
    }

    @Test
    void redactionHoldsBackOnlyABoundedWindow() {
        StreamFilter f = filter("email", null, "redact");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            out.append(f.accept(" word" + i));
        }
        assertThat(out.length()).isGreaterThan(" word0".length() * 50);
        out.append(f.accept(" mail bob@exa")).append(f.accept("mple.com")).append(f.accept(" bye"));
        out.append(f.finish());
        assertThat(out.toString()).endsWith(" mail [EMAIL] bye").doesNotContain("bob");
    }

    @Test
    void annotationsPassTextUnchangedAndReportEachHitOnce() {
        StreamFilter f = filter("email", null, "annotate");
        StringBuilder out = new StringBuilder();
        for (String d : List.of("to bob@exa", "mple.com", " and", " x")) {
            out.append(f.accept(d));
        }
        out.append(f.finish());
        assertThat(out).hasToString("to bob@example.com and x");
        assertThat(hits).hasSize(1);
        assertThat(f.results().toString()).contains("detected=true").contains("filtered=false");
    }
}
