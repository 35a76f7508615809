package io.modelgateway.gateway.tenancy.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Whether a key from configuration (admin, demo, {@code gateway.api-keys}) is strong enough outside the
 * embedded default: at least {@value #MIN_LENGTH} characters and about {@value #MIN_BITS} bits by a
 * deliberately pessimistic estimate. Words people put in keys ({@code admin}, {@code readme}, ...) and
 * repeated characters count for nothing; each other character counts log2 of the smaller of its character
 * classes' alphabet and the number of distinct characters, so {@code abab...} or {@code 1111...} fail.
 */
final class KeyStrength {

    static final int MIN_LENGTH = 32;
    static final int MIN_BITS = 128;
    static final String HOW = "make one with: openssl rand -base64 32";

    private static final List<String> WORDS = List.of(
            "sk-",
            "admin",
            "demo",
            "test",
            "readme",
            "example",
            "password",
            "passwd",
            "secret",
            "changeme",
            "default",
            "gateway",
            "model",
            "key",
            "token",
            "local",
            "prod",
            "staging",
            "dev",
            "qwerty",
            "letmein",
            "1234",
            "abcd");

    private KeyStrength() {}

    /** Why {@code key} is too weak, or empty when it is strong enough. */
    static Optional<String> weakness(String key) {
        String k = key.trim();
        if (k.length() < MIN_LENGTH) {
            return Optional.of("it is shorter than " + MIN_LENGTH + " characters");
        }
        double bits = estimatedBits(k);
        if (bits < MIN_BITS) {
            return Optional.of("it has about " + (int) bits + " bits of randomness (words, repeated or few distinct "
                    + "characters), fewer than " + MIN_BITS);
        }
        return Optional.empty();
    }

    static double estimatedBits(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        StringBuilder kept = new StringBuilder();
        int i = 0;
        while (i < key.length()) {
            String word = wordAt(lower, i);
            if (word != null) {
                i += word.length();
            } else {
                char c = key.charAt(i);
                if (kept.isEmpty() || kept.charAt(kept.length() - 1) != c) {
                    kept.append(c); // a run of one character counts once
                }
                i++;
            }
        }
        if (kept.isEmpty()) {
            return 0;
        }
        Set<Character> distinct = new HashSet<>();
        boolean lowerCase = false;
        boolean upperCase = false;
        boolean digit = false;
        boolean other = false;
        for (int j = 0; j < kept.length(); j++) {
            char c = kept.charAt(j);
            distinct.add(c);
            lowerCase |= c >= 'a' && c <= 'z';
            upperCase |= c >= 'A' && c <= 'Z';
            digit |= c >= '0' && c <= '9';
            other |= !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9');
        }
        int alphabet = (lowerCase ? 26 : 0) + (upperCase ? 26 : 0) + (digit ? 10 : 0) + (other ? 33 : 0);
        int symbols = Math.min(alphabet, distinct.size());
        return symbols <= 1 ? 0 : kept.length() * (Math.log(symbols) / Math.log(2));
    }

    private static @Nullable String wordAt(String lower, int i) {
        for (String w : WORDS) {
            if (lower.startsWith(w, i)) {
                return w;
            }
        }
        return null;
    }

    /** Stops the start when {@code key} is set and weak; {@code what} names the setting, never the key. */
    static void requireStrong(String what, @Nullable String key) {
        if (key == null || key.isBlank()) {
            return;
        }
        weakness(key).ifPresent(why -> {
            throw new IllegalStateException(what + " is too weak: " + why + ". Outside the embedded default "
                    + "(H2) configured keys need at least " + MIN_LENGTH + " random characters (" + MIN_BITS
                    + " bits); " + HOW);
        });
    }
}
