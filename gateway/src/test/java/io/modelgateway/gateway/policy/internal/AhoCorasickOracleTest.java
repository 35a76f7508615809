package io.modelgateway.gateway.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The automaton finds exactly what a naive search finds: every (start, end) of every term at every position,
 * each once, with case folded per character when asked and whole words only when asked. Small alphabets (with
 * case and a word boundary) make overlapping and nested terms common.
 */
class AhoCorasickOracleTest {

    private static final String ALPHABET = "abAB1 -";

    @Property(tries = 500)
    void findsWhatANaiveSearchFinds(
            @ForAll("terms") List<String> terms,
            @ForAll("texts") String text,
            @ForAll boolean ignoreCase,
            @ForAll boolean wholeWords) {
        List<String> found = new ArrayList<>();
        new AhoCorasick(terms, ignoreCase, wholeWords).find(text, (start, end) -> found.add(start + ".." + end));

        assertThat(found)
                .as("each match once")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(naive(terms, text, ignoreCase, wholeWords));
    }

    @Property(tries = 100)
    void longestIsTheLongestTerm(@ForAll("terms") List<String> terms) {
        int longest = terms.stream().mapToInt(String::length).max().orElse(0);
        assertThat(new AhoCorasick(terms, false, false).longest()).isEqualTo(longest);
    }

    @Example
    void nestedAndOverlappingTermsAreAllFound() {
        List<String> found = new ArrayList<>();
        new AhoCorasick(List.of("he", "she", "his", "hers"), false, false)
                .find("ushers", (start, end) -> found.add("ushers".substring(start, end)));
        assertThat(found).containsExactlyInAnyOrder("she", "he", "hers");
    }

    /** Every term at every position, compared character by character. */
    private static List<String> naive(List<String> terms, String text, boolean ignoreCase, boolean wholeWords) {
        TreeSet<String> matches = new TreeSet<>();
        for (String term : terms) {
            for (int start = 0; term.length() > 0 && start + term.length() <= text.length(); start++) {
                int end = start + term.length();
                if (equalAt(text, start, term, ignoreCase) && (!wholeWords || Boundaries.word(text, start, end))) {
                    matches.add(start + ".." + end);
                }
            }
        }
        return List.copyOf(matches);
    }

    private static boolean equalAt(String text, int start, String term, boolean ignoreCase) {
        for (int k = 0; k < term.length(); k++) {
            char a = text.charAt(start + k);
            char b = term.charAt(k);
            if (ignoreCase ? Character.toLowerCase(a) != Character.toLowerCase(b) : a != b) {
                return false;
            }
        }
        return true;
    }

    @Provide
    Arbitrary<List<String>> terms() {
        return Arbitraries.strings()
                .withChars(ALPHABET.toCharArray())
                .ofMinLength(1)
                .ofMaxLength(5)
                .list()
                .ofMinSize(1)
                .ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMaxLength(60);
    }
}
