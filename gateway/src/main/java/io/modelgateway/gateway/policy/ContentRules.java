package io.modelgateway.gateway.policy;

import com.google.re2j.PatternSyntaxException;
import io.modelgateway.gateway.policy.internal.AhoCorasick;
import io.modelgateway.gateway.policy.internal.Detectors;
import io.modelgateway.gateway.policy.internal.Finder;
import io.modelgateway.gateway.policy.internal.RegexFinder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A compiled set of content rules, immutable and safe to share between threads. Compiling validates
 * every rule ({@link IllegalArgumentException} names the rule at fault) and is done once, when a policy
 * is stored or loaded; {@link #scan} is the request path: one linear pass per rule, no backtracking.
 */
public final class ContentRules {

    public static final ContentRules NONE = new ContentRules(List.of(), List.of());

    static final int MAX_RULES = 100;
    static final int MAX_TERMS = 100_000;
    static final int MAX_TERM_LENGTH = 256;
    static final int MAX_PATTERN_LENGTH = 2_000;

    private final List<ContentRule> rules;
    private final List<Finder> finders;

    private ContentRules(List<ContentRule> rules, List<Finder> finders) {
        this.rules = rules;
        this.finders = finders;
    }

    /** Compiles and validates rule specifications ({@code null} = none). */
    public static ContentRules compile(List<RuleSpec> specs) {
        if (specs == null || specs.isEmpty()) {
            return NONE;
        }
        if (specs.size() > MAX_RULES) {
            throw new IllegalArgumentException("at most " + MAX_RULES + " rules");
        }
        List<ContentRule> rules = new ArrayList<>(specs.size());
        List<Finder> finders = new ArrayList<>(specs.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            RuleSpec spec = specs.get(i);
            if (spec == null
                    || spec.id() == null
                    || spec.id().isBlank()
                    || spec.id().length() > 100) {
                throw new IllegalArgumentException("rules[" + i + "].id is required (at most 100 characters)");
            }
            if (!ids.add(spec.id())) {
                throw new IllegalArgumentException("rule '" + spec.id() + "' appears twice");
            }
            ContentRule rule = rule(spec);
            rules.add(rule);
            finders.add(finder(spec, rule.type()));
        }
        return new ContentRules(List.copyOf(rules), List.copyOf(finders));
    }

    private static ContentRule rule(RuleSpec spec) {
        try {
            RuleType type = RuleType.parse(required(spec.type(), spec, "type"));
            RuleAction action = spec.action() == null ? RuleAction.BLOCK : RuleAction.parse(spec.action());
            RuleTarget target = spec.target() == null ? RuleTarget.BOTH : RuleTarget.parse(spec.target());
            String replacement = spec.replacement() != null ? spec.replacement() : defaultReplacement(type);
            return new ContentRule(spec.id(), type, action, target, replacement);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rule '" + spec.id() + "': unknown type, action or target ("
                    + "types: terms, regex, email, phone, payment_card, iban, api_key; actions: block, redact, "
                    + "annotate; targets: prompt, completion, both)");
        }
    }

    private static Finder finder(RuleSpec spec, RuleType type) {
        boolean ignoreCase = !Boolean.TRUE.equals(spec.caseSensitive());
        return switch (type) {
            case TERMS -> new AhoCorasick(terms(spec), ignoreCase, !Boolean.FALSE.equals(spec.wholeWords()));
            case REGEX -> regex(spec, ignoreCase);
            default -> Detectors.of(type);
        };
    }

    private static List<String> terms(RuleSpec spec) {
        List<String> terms = spec.terms();
        if (terms == null || terms.isEmpty() || terms.size() > MAX_TERMS) {
            throw new IllegalArgumentException("rule '" + spec.id() + "': terms needs 1 to " + MAX_TERMS + " terms");
        }
        for (String t : terms) {
            if (t == null || t.isBlank() || t.length() > MAX_TERM_LENGTH) {
                throw new IllegalArgumentException("rule '" + spec.id() + "': terms must be non-blank, at most "
                        + MAX_TERM_LENGTH + " characters");
            }
        }
        return terms;
    }

    private static Finder regex(RuleSpec spec, boolean ignoreCase) {
        String pattern = required(spec.pattern(), spec, "pattern");
        if (pattern.length() > MAX_PATTERN_LENGTH) {
            throw new IllegalArgumentException("rule '" + spec.id() + "': pattern longer than " + MAX_PATTERN_LENGTH);
        }
        try {
            return new RegexFinder(pattern, ignoreCase);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("rule '" + spec.id() + "': invalid pattern (RE2 syntax, no "
                    + "backreferences or lookaround): " + e.getDescription());
        }
    }

    private static String required(String value, RuleSpec spec, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("rule '" + spec.id() + "': " + field + " is required");
        }
        return value;
    }

    private static String defaultReplacement(RuleType type) {
        return switch (type) {
            case EMAIL -> "[EMAIL]";
            case PHONE -> "[PHONE]";
            case PAYMENT_CARD -> "[CARD]";
            case IBAN -> "[IBAN]";
            case API_KEY -> "[SECRET]";
            case TERMS, REGEX -> "[REDACTED]";
        };
    }

    public List<ContentRule> rules() {
        return rules;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Whether any rule reads this side. */
    public boolean covers(RuleTarget side) {
        return rules.stream().anyMatch(r -> r.target().covers(side));
    }

    /** Whether any rule on this side redacts. */
    public boolean redacts(RuleTarget side) {
        return rules.stream().anyMatch(r -> r.target().covers(side) && r.action() == RuleAction.REDACT);
    }

    /** The longest match any rule on this side can span, {@code -1} if some rule is unbounded. */
    public int longestMatch(RuleTarget side) {
        int longest = 0;
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).target().covers(side)) {
                int l = finders.get(i).longest();
                if (l < 0) {
                    return -1;
                }
                longest = Math.max(longest, l);
            }
        }
        return longest;
    }

    /** Every match of the rules reading {@code side}, ordered by start. */
    public List<Match> scan(CharSequence text, RuleTarget side) {
        List<Match> matches = new ArrayList<>(0);
        for (int i = 0; i < rules.size(); i++) {
            ContentRule rule = rules.get(i);
            if (rule.target().covers(side)) {
                finders.get(i).find(text, (start, end) -> matches.add(new Match(rule, start, end)));
            }
        }
        matches.sort(Comparator.comparingInt(Match::start).thenComparingInt(Match::end));
        return matches;
    }

    /** {@code text} with every redact match replaced (overlapping matches merged); others are ignored. */
    public static String redact(CharSequence text, List<Match> matches) {
        StringBuilder out = new StringBuilder(text.length());
        int pos = 0;
        for (Match m : matches) {
            if (m.rule().action() != RuleAction.REDACT || m.end() <= pos) {
                continue;
            }
            if (m.start() >= pos) {
                out.append(text, pos, m.start()).append(m.rule().replacement());
            }
            pos = m.end();
        }
        return out.append(text, pos, text.length()).toString();
    }
}
