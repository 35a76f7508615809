package io.modelgateway.gateway.openai.internal;

import io.modelgateway.inference.TokenCounter;
import io.modelgateway.inference.TokenUsage;
import tools.jackson.databind.JsonNode;

/** Reads OpenAI's {@code usage} and generated text out of an upstream's answers (whole or chunk by chunk). */
final class UpstreamUsage {

    private UpstreamUsage() {}

    /** The {@code usage} of a response or chunk, or null when it has none. */
    static TokenUsage usage(JsonNode json) {
        JsonNode u = json.get("usage");
        if (u == null || !u.isObject() || !u.has("prompt_tokens")) {
            return null;
        }
        int prompt = Math.max(0, u.get("prompt_tokens").asInt(0));
        JsonNode completion = u.get("completion_tokens");
        return new TokenUsage(prompt, completion == null ? 0 : Math.max(0, completion.asInt(0)), false);
    }

    /** The text of every choice: {@code message.content} or {@code delta.content} (chat), or {@code text}. */
    static String text(JsonNode json) {
        JsonNode choices = json.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode c : choices) {
            JsonNode holder = c.has("delta") ? c.get("delta") : c.get("message");
            JsonNode text = holder != null && holder.isObject() ? holder.get("content") : c.get("text");
            if (text != null && text.isString()) {
                out.append(text.asString());
            }
        }
        return out.toString();
    }

    /** A usage-only chunk ({@code choices: []} with {@code usage}), as {@code include_usage} adds at the end. */
    static boolean usageOnly(JsonNode json) {
        JsonNode choices = json.get("choices");
        return usage(json) != null && choices != null && choices.isArray() && choices.isEmpty();
    }

    /** The usage of a whole answer: the upstream's, or counted here when it sent none. */
    static TokenUsage ofWhole(JsonNode json, int promptTokens, TokenCounter counter) {
        TokenUsage u = usage(json);
        return u != null ? u : new TokenUsage(promptTokens, counter.count(text(json)), true);
    }
}
