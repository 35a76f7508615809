package io.modelgateway.modelserver.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * What the echo model generates for a prompt: its whitespace-separated words in order (the first as is, the
 * others with one leading space), at most {@code maxTokens} of them; a blank prompt yields "ok".
 */
public record EchoPlan(List<String> tokens, String finishReason, int inputTokens) {

    public static EchoPlan of(String prompt, int maxTokens) {
        String trimmed = prompt.strip();
        List<String> words = trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
        List<String> source = words.isEmpty() ? List.of("ok") : words;
        int count = Math.min(source.size(), maxTokens);
        List<String> tokens = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            tokens.add(i == 0 ? source.get(i) : " " + source.get(i));
        }
        return new EchoPlan(List.copyOf(tokens), count < source.size() ? "length" : "stop", words.size());
    }

    public String text() {
        return String.join("", tokens);
    }
}
