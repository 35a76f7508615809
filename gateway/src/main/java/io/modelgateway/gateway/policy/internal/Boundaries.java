package io.modelgateway.gateway.policy.internal;

/** Checks that a match does not continue a word or a number on either side. */
final class Boundaries {

    private Boundaries() {}

    static boolean word(CharSequence text, int start, int end) {
        return (start == 0 || !Character.isLetterOrDigit(text.charAt(start - 1)))
                && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)));
    }
}
