package io.modelgateway.modelserver.architecture;

import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.freeze.FreezingArchRule;
import com.tngtech.archunit.library.freeze.ViolationLineMatcher;

/**
 * ArchUnit's {@link FreezingArchRule} with a matcher that knows a violation by what it is, not by details that
 * move: a cycle by its path of packages (a further dependency along a known cycle is not a new cycle), any
 * other violation by its text without line numbers and generated lambda/anonymous-class numbers.
 */
final class Frozen {

    private static final String CYCLE = "Cycle detected: ";
    private static final String CYCLE_DETAILS = "1. Dependencies of ";

    private Frozen() {}

    static FreezingArchRule freeze(ArchRule rule) {
        return FreezingArchRule.freeze(rule).associateViolationLinesVia(MATCHER);
    }

    static final ViolationLineMatcher MATCHER = (stored, actual) -> key(stored).equals(key(actual));

    static String key(String violation) {
        if (violation.startsWith(CYCLE)) {
            int details = violation.indexOf(CYCLE_DETAILS);
            String path = details < 0 ? violation : violation.substring(0, details);
            return path.replaceAll("[\\s\\\\]+", " ").trim();
        }
        return violation.replaceAll("\\.java:\\d+\\)", ".java)").replaceAll("\\$\\d+", "\\$");
    }
}
