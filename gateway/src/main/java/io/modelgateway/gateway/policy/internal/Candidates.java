package io.modelgateway.gateway.policy.internal;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Cheap, linear character scans that find where a detector could match, so its regular expression runs
 * on a few short spans instead of the whole text. Spans are returned as {@code [start0, end0, start1, ...]}.
 */
final class Candidates {

    static final boolean[] PHONE_CHARS = alphabet("0123456789 .-+()");
    static final boolean[] CARD_CHARS = alphabet("0123456789 -");
    static final boolean[] IBAN_CHARS = alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ");
    private static final boolean[] KEY_CHARS =
            alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
    private static final boolean[] LOCAL_CHARS =
            alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-");
    private static final boolean[] DOMAIN_CHARS =
            alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-");
    private static final int[] NONE = new int[0];
    private static final String PEM = "-----BEGIN ";

    interface Finder {
        int[] spans(CharSequence text);
    }

    private Candidates() {}

    private static boolean[] alphabet(String chars) {
        boolean[] a = new boolean[128];
        for (int i = 0; i < chars.length(); i++) {
            a[chars.charAt(i)] = true;
        }
        return a;
    }

    private static boolean in(boolean[] alphabet, char c) {
        return c < 128 && alphabet[c];
    }

    static boolean alnum(int c) {
        return c < 128 && Character.isLetterOrDigit(c);
    }

    /** Maximal runs of {@code alphabet} characters holding at least {@code min} characters that {@code count}. */
    static int[] runs(CharSequence text, boolean[] alphabet, IntPredicate count, int min) {
        int[] out = NONE;
        int n = 0;
        int i = 0;
        int length = text.length();
        while (i < length) {
            if (!in(alphabet, text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            int counted = 0;
            while (i < length && in(alphabet, text.charAt(i))) {
                if (count.test(text.charAt(i))) {
                    counted++;
                }
                i++;
            }
            if (counted >= min) {
                out = add(out, n, start, i);
                n += 2;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** Around every {@code @}: the local part to the left, the domain to the right. */
    static int[] emails(CharSequence text) {
        int[] out = NONE;
        int n = 0;
        int end = -1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) != '@' || i < end) {
                continue;
            }
            int l = i;
            while (l > 0 && in(LOCAL_CHARS, text.charAt(l - 1))) {
                l--;
            }
            int r = i + 1;
            while (r < text.length() && (in(DOMAIN_CHARS, text.charAt(r)) || text.charAt(r) == '@')) {
                r++;
            }
            if (l < i && r > i + 1) {
                if (n > 0 && out[n - 1] >= l) {
                    out[n - 1] = r;
                } else {
                    out = add(out, n, l, r);
                    n += 2;
                }
                end = r;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** Runs of key characters at least 20 long, and PEM private key headers. */
    static int[] secrets(CharSequence text) {
        int[] out = runs(text, KEY_CHARS, c -> true, 20);
        String s = text.toString();
        for (int i = s.indexOf(PEM); i >= 0; i = s.indexOf(PEM, i + 1)) {
            out = Arrays.copyOf(out, out.length + 2);
            out[out.length - 2] = i;
            out[out.length - 1] = Math.min(s.length(), i + 80);
        }
        return out;
    }

    private static int[] add(int[] out, int n, int start, int end) {
        if (n + 2 > out.length) {
            out = Arrays.copyOf(out, Math.max(4, out.length * 2));
        }
        out[n] = start;
        out[n + 1] = end;
        return out;
    }
}
