package io.modelgateway.modelserver.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * What the echo model generates for a prompt: its whitespace-separated words in order (the first as is, the
 * others with one leading space), at most {@code maxTokens} of them; a blank prompt yields "ok". With stop
 * words, generation ends before the first word after the first that equals one of them (finish "stop").
 */
public record EchoPlan(List<String> tokens, String finishReason, int inputTokens) {

    public static EchoPlan of(String prompt, int maxTokens) {
        return of(prompt, maxTokens, List.of());
    }

    public static EchoPlan of(String prompt, int maxTokens, List<String> stopWords) {
        String trimmed = prompt.strip();
        List<String> words = trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
        List<String> source = words.isEmpty() ? List.of("ok") : words;
        int end = stopIndex(source, stopWords);
        int count = Math.min(end, maxTokens);
        List<String> tokens = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            tokens.add(i == 0 ? source.get(i) : " " + source.get(i));
        }
        return new EchoPlan(List.copyOf(tokens), count < end ? "length" : "stop", words.size());
    }

    private static int stopIndex(List<String> words, List<String> stopWords) {
        for (int i = 1; i < words.size(); i++) {
            if (stopWords.contains(words.get(i))) {
                return i;
            }
        }
        return words.size();
    }

    public String text() {
        return String.join("", tokens);
    }
}
