package io.modelgateway.gateway.forwarding.internal;

import io.modelgateway.gateway.edge.json.Json;
import io.modelgateway.inference.TokenCounter;
import io.modelgateway.inference.TokenUsage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

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

    /** The first choice of a response or chunk, or null when it has none. */
    static JsonNode firstChoice(JsonNode json) {
        JsonNode choices = json.get("choices");
        return choices != null && choices.isArray() && !choices.isEmpty() ? choices.get(0) : null;
    }

    /** The text of one choice ({@code message.content}, {@code delta.content} or {@code text}); "" when none. */
    static String choiceText(JsonNode choice) {
        JsonNode holder = choice.has("delta") ? choice.get("delta") : choice.get("message");
        JsonNode text = holder != null && holder.isObject() ? holder.get("content") : choice.get("text");
        return text != null && text.isString() ? text.asString() : "";
    }

    /** Whether the choice carries a text field at all. */
    static boolean hasText(JsonNode choice) {
        JsonNode holder = choice.has("delta") ? choice.get("delta") : choice.get("message");
        return holder != null && holder.isObject() ? holder.hasNonNull("content") : choice.hasNonNull("text");
    }

    /** Replaces the choice's text (after the output filter). */
    static void replaceText(ObjectNode choice, String text) {
        JsonNode holder = choice.has("delta") ? choice.get("delta") : choice.get("message");
        if (holder instanceof ObjectNode o) {
            o.put("content", text);
        } else {
            choice.put("text", text);
        }
    }

    /** A usage-only chunk in the shape of {@code like} (its id, object, created and model). */
    static byte[] usageChunk(JsonNode like, TokenUsage usage) {
        return Json.write(g -> {
            g.writeStartObject();
            for (String name : new String[] {"id", "object", "created", "model"}) {
                if (like.has(name)) {
                    g.writeName(name);
                    g.writeTree(like.get(name));
                }
            }
            g.writeName("choices");
            g.writeStartArray();
            g.writeEndArray();
            g.writeName("usage");
            g.writeStartObject();
            g.writeNumberProperty("prompt_tokens", usage.promptTokens());
            g.writeNumberProperty("completion_tokens", usage.completionTokens());
            g.writeNumberProperty("total_tokens", usage.totalTokens());
            g.writeEndObject();
            g.writeEndObject();
        });
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
