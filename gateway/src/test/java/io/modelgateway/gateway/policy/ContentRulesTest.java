package io.modelgateway.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ContentRulesTest {

    private static RuleSpec rule(String id, String type, String action) {
        return new RuleSpec(id, type, null, null, action, null, null, null, null);
    }

    private static List<String> ids(List<Match> matches) {
        return matches.stream().map(m -> m.rule().id()).toList();
    }

    @Test
    void termsMatchWholeWordsIgnoringCaseWithOneAutomaton() {
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            terms.add("term" + i);
        }
        terms.add("secret sauce");
        terms.add("he");
        terms.add("she");
        ContentRules rules =
                ContentRules.compile(List.of(new RuleSpec("list", "terms", terms, null, null, null, null, null, null)));
        List<Match> m = rules.scan("Our SECRET Sauce, term999 and term10000 and ushers; she said", RuleTarget.PROMPT);
        assertThat(m).extracting(x -> x.start() + "-" + x.end()).containsExactly("4-16", "18-25", "52-55");
        assertThat(rules.scan("ushers", RuleTarget.PROMPT)).isEmpty();
    }

    @Test
    void termsCanMatchInsideWordsAndCaseSensitively() {
        ContentRules rules = ContentRules.compile(
                List.of(new RuleSpec("x", "terms", List.of("Bad"), null, null, null, true, false, null)));
        assertThat(rules.scan("notBad bad", RuleTarget.PROMPT))
                .hasSize(1)
                .first()
                .extracting(Match::start)
                .isEqualTo(3);
    }

    @Test
    void detectorsFindPersonalDataAndSecretsAndCheckThem() {
        ContentRules rules = ContentRules.compile(List.of(
                rule("mail", "email", "annotate"),
                rule("phone", "phone", "annotate"),
                rule("card", "payment_card", "annotate"),
                rule("iban", "iban", "annotate"),
                rule("key", "api_key", "annotate")));
        assertThat(ids(rules.scan("write to jane.doe@example.com today", RuleTarget.PROMPT)))
                .containsExactly("mail");
        assertThat(ids(rules.scan("call +49 30 1234 5678 now", RuleTarget.PROMPT)))
                .containsExactly("phone");
        assertThat(ids(rules.scan("card 4111 1111 1111 1111 ok", RuleTarget.PROMPT)))
                .contains("card");
        assertThat(ids(rules.scan("card 4111 1111 1111 1112 ok", RuleTarget.PROMPT)))
                .doesNotContain("card");
        assertThat(ids(rules.scan("pay to DE89 3704 0044 0532 0130 00 THANKS", RuleTarget.PROMPT)))
                .contains("iban");
        assertThat(ids(rules.scan("pay to DE88 3704 0044 0532 0130 00", RuleTarget.PROMPT)))
                .doesNotContain("iban");
        assertThat(ids(rules.scan("key sk-proj-abcdefghijklmnopqrstuvwxyz0123", RuleTarget.PROMPT)))
                .containsExactly("key");
        assertThat(ids(rules.scan("AKIAIOSFODNN7EXAMPLE", RuleTarget.PROMPT))).containsExactly("key");
        assertThat(rules.scan("nothing to see here, version 1.2.3 on 2024-01-01", RuleTarget.PROMPT))
                .isEmpty();
    }

    @Test
    void redactionReplacesMatchesAndMergesOverlaps() {
        ContentRules rules = ContentRules.compile(List.of(
                rule("mail", "email", "redact"),
                new RuleSpec("t", "terms", List.of("acme"), null, "redact", null, null, null, "***")));
        String text = "mail bob@acme.io about acme";
        assertThat(ContentRules.redact(text, rules.scan(text, RuleTarget.PROMPT)))
                .isEqualTo("mail [EMAIL] about ***");
    }

    @Test
    void targetsSelectTheSide() {
        ContentRules rules = ContentRules.compile(List.of(
                new RuleSpec("p", "terms", List.of("alpha"), null, null, "prompt", null, null, null),
                new RuleSpec("c", "terms", List.of("alpha"), null, null, "completion", null, null, null)));
        assertThat(ids(rules.scan("alpha", RuleTarget.PROMPT))).containsExactly("p");
        assertThat(ids(rules.scan("alpha", RuleTarget.COMPLETION))).containsExactly("c");
    }

    @Test
    @Timeout(60) // a hang guard, not a speed claim: java.util.regex needs longer than the age of the universe here
    void aCatastrophicBacktrackingPatternRunsInLinearTime() {
        ContentRules rules = ContentRules.compile(List.of(
                new RuleSpec("evil", "regex", null, "(a+)+$", null, null, null, null, null),
                new RuleSpec("evil2", "regex", null, "(x+x+)+y", null, null, null, null, null)));
        String text = "a".repeat(100_000) + "!" + "x".repeat(100_000);
        // RE2 is linear: the scan ends, and finds nothing
        assertThat(rules.scan(text, RuleTarget.PROMPT)).isEmpty();
    }

    @Test
    void invalidRulesAreRefusedNamingTheRule() {
        assertThatThrownBy(() -> ContentRules.compile(
                        List.of(new RuleSpec("br", "regex", null, "(a)\\1", null, null, null, null, null))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'br'");
        assertThatThrownBy(() -> ContentRules.compile(List.of(rule("x", "nope", null))))
                .hasMessageContaining("'x'");
        assertThatThrownBy(() -> ContentRules.compile(List.of(rule("t", "terms", null))))
                .hasMessageContaining("terms");
    }
}
