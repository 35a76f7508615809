package io.modelgateway.gateway.policy.internal;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * A regular expression matched by RE2/J: time linear in the text whatever the pattern, so no expression
 * an admin (or attacker) writes can make the gateway backtrack for ever. Empty matches are skipped.
 */
public final class RegexFinder implements Finder {

    private final Pattern pattern;

    /** @throws com.google.re2j.PatternSyntaxException for an invalid or unsupported expression */
    public RegexFinder(String expression, boolean ignoreCase) {
        this.pattern = Pattern.compile(expression, ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
    }

    @Override
    public void find(CharSequence text, Sink sink) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            if (m.end() > m.start()) {
                sink.match(m.start(), m.end());
            }
        }
    }

    @Override
    public int longest() {
        return -1;
    }
}
