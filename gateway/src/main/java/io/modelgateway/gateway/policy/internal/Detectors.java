package io.modelgateway.gateway.policy.internal;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.modelgateway.gateway.policy.RuleType;
import java.math.BigInteger;

/**
 * The built-in detectors for personal data and secrets: a linear-time RE2/J pattern finds candidates,
 * and a check confirms them (Luhn for payment cards, ISO 13616 mod-97 for IBANs, digit counts for
 * phone numbers, word boundaries for all).
 */
public final class Detectors {

    private static final Pattern EMAIL =
            Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,24}");
    private static final Pattern PHONE =
            Pattern.compile("(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,4}\\)[ .-]?)?\\d{2,4}(?:[ .-]?\\d{2,4}){2,5}");
    private static final Pattern CARD = Pattern.compile("\\d(?:[ -]?\\d){12,18}");
    private static final Pattern IBAN = Pattern.compile("[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}");
    private static final Pattern API_KEY = Pattern.compile("(?:sk|pk|rk)[-_](?:[A-Za-z0-9]+[-_])?[A-Za-z0-9_-]{20,}"
            + "|AKIA[0-9A-Z]{16}"
            + "|gh[pousr]_[A-Za-z0-9]{36,}"
            + "|xox[abprs]-[A-Za-z0-9-]{10,}"
            + "|AIza[0-9A-Za-z_-]{35}"
            + "|-----BEGIN [A-Z ]*PRIVATE KEY-----");

    private Detectors() {}

    public static Finder of(RuleType type) {
        return switch (type) {
            case EMAIL -> new Detector(EMAIL, 320, false, (t, s, e) -> e, Candidates::emails);
            case PHONE ->
                new Detector(
                        PHONE,
                        32,
                        true,
                        (t, s, e) -> digits(t, s, e, 9, 15) ? e : -1,
                        t -> Candidates.runs(t, Candidates.PHONE_CHARS, Character::isDigit, 9));
            case PAYMENT_CARD ->
                new Detector(
                        CARD,
                        40,
                        true,
                        (t, s, e) -> card(t, s, e) ? e : -1,
                        t -> Candidates.runs(t, Candidates.CARD_CHARS, Character::isDigit, 13));
            case IBAN ->
                new Detector(
                        IBAN,
                        42,
                        true,
                        Detectors::ibanEnd,
                        t -> Candidates.runs(t, Candidates.IBAN_CHARS, Candidates::alnum, 15));
            case API_KEY -> new Detector(API_KEY, 200, false, (t, s, e) -> e, Candidates::secrets);
            case TERMS, REGEX -> throw new IllegalArgumentException(type + " is not a detector");
        };
    }

    /** Confirms a candidate: the end of the confirmed match, or {@code -1}. */
    private interface Check {
        int end(CharSequence text, int start, int end);
    }

    /**
     * @param retry after a rejected candidate, look again one character later (only for detectors whose
     *        matches are short, so the scan stays linear); otherwise go on after the candidate
     */
    private record Detector(Pattern pattern, int longest, boolean retry, Check check, Candidates.Finder spans)
            implements Finder {

        /** The expression runs only on candidate spans a cheap character scan found (most text has none). */
        @Override
        public void find(CharSequence text, Sink sink) {
            int[] found = spans().spans(text);
            for (int i = 0; i < found.length; i += 2) {
                find(text, found[i], found[i + 1], sink);
            }
        }

        private void find(CharSequence text, int spanStart, int spanEnd, Sink sink) {
            CharSequence span = text.subSequence(spanStart, spanEnd);
            Matcher m = pattern.matcher(span);
            int from = 0;
            while (from < span.length() && m.find(from)) {
                int s = spanStart + m.start();
                int e = spanStart + m.end();
                int confirmed = s == 0 || !Character.isLetterOrDigit(text.charAt(s - 1)) ? check.end(text, s, e) : -1;
                if (confirmed > 0 && Boundaries.word(text, s, confirmed)) {
                    sink.match(s, confirmed);
                    from = confirmed - spanStart;
                } else {
                    from = retry ? m.start() + 1 : m.end();
                }
            }
        }
    }

    /** The longest IBAN starting at {@code start} within the candidate (trailing capitals may follow it). */
    private static int ibanEnd(CharSequence t, int start, int end) {
        for (int e = end; e >= start + 15; e--) {
            if (t.charAt(e - 1) != ' ' && Boundaries.word(t, start, e) && iban(t, start, e)) {
                return e;
            }
        }
        return -1;
    }

    private static boolean digits(CharSequence t, int start, int end, int min, int max) {
        int n = 0;
        for (int i = start; i < end; i++) {
            if (Character.isDigit(t.charAt(i))) {
                n++;
            }
        }
        return n >= min && n <= max;
    }

    /** 13 to 19 digits passing the Luhn check. */
    static boolean card(CharSequence t, int start, int end) {
        int sum = 0;
        int n = 0;
        for (int i = end - 1; i >= start; i--) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int d = c - '0';
            if (n++ % 2 == 1) {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
        }
        return n >= 13 && n <= 19 && sum % 10 == 0;
    }

    /** ISO 13616: move the first four characters to the end, letters to numbers, remainder mod 97 is 1. */
    static boolean iban(CharSequence t, int start, int end) {
        StringBuilder compact = new StringBuilder(34);
        for (int i = start; i < end; i++) {
            if (t.charAt(i) != ' ') {
                compact.append(t.charAt(i));
            }
        }
        if (compact.length() < 15 || compact.length() > 34) {
            return false;
        }
        String rearranged = compact.substring(4) + compact.substring(0, 4);
        StringBuilder numeric = new StringBuilder(rearranged.length() * 2);
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            numeric.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
        }
        return new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
    }
}
