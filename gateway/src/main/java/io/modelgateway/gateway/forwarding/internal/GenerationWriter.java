package io.modelgateway.gateway.forwarding.internal;

import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.edge.error.OpenAiErrors;
import io.modelgateway.gateway.edge.json.Json;
import io.modelgateway.gateway.pipeline.OutputFilter;
import io.modelgateway.inference.TokenUsage;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.core.JsonGenerator;

/**
 * Writes OpenAI's response shapes for one generation: the whole answer, or its SSE chunks
 * ({@code chat.completion.chunk} / {@code text_completion}) ending with {@code data: [DONE]}. When content
 * rules apply, Azure's annotations are added: {@code prompt_filter_results} at the top (in a stream, a
 * first chunk with no choices) and {@code content_filter_results} on the choice (on the finish chunk).
 */
public final class GenerationWriter {

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final Generation gen;
    private final String id;
    private final long created;
    private final Map<String, Object> promptResults;
    private final OutputFilter output;
    private byte[][] deltaParts;

    public GenerationWriter(Generation gen, String requestId, long createdEpochSeconds) {
        this(gen, requestId, createdEpochSeconds, null, OutputFilter.NONE);
    }

    /**
     * @param promptResults the prompt's {@code content_filter_results}, or {@code null} without content rules
     * @param output the answer's filter, whose {@link OutputFilter#results()} annotate the choice
     */
    public GenerationWriter(
            Generation gen,
            String requestId,
            long createdEpochSeconds,
            Map<String, Object> promptResults,
            OutputFilter output) {
        this.gen = gen;
        this.id = (gen.chat() ? "chatcmpl-" : "cmpl-") + requestId;
        this.created = createdEpochSeconds;
        this.promptResults = promptResults;
        this.output = output;
    }

    /** Whether a stream starts with the prompt's annotations (Azure's first chunk). */
    public boolean hasPromptResults() {
        return promptResults != null;
    }

    public byte[] complete(String text, String finishReason, TokenUsage usage) {
        return Json.write(g -> {
            head(g, gen.chat() ? "chat.completion" : "text_completion");
            g.writeName("choices");
            g.writeStartArray();
            g.writeStartObject();
            g.writeNumberProperty("index", 0);
            if (gen.chat()) {
                g.writeName("message");
                g.writeStartObject();
                g.writeStringProperty("role", "assistant");
                g.writeStringProperty("content", text);
                g.writeNullProperty("refusal");
                g.writeEndObject();
            } else {
                g.writeStringProperty("text", text);
            }
            g.writeNullProperty("logprobs");
            g.writeStringProperty("finish_reason", finishReason);
            choiceResults(g);
            g.writeEndObject();
            g.writeEndArray();
            promptResults(g);
            usage(g, usage);
            g.writeEndObject();
        });
    }

    /** Azure's first chunk: no choices, the prompt's annotations. */
    public byte[] promptChunk() {
        return event(Json.write(g -> {
            head(g, chunkObject());
            g.writeName("choices");
            g.writeStartArray();
            g.writeEndArray();
            promptResults(g);
            if (gen.includeUsage()) {
                g.writeNullProperty("usage");
            }
            g.writeEndObject();
        }));
    }

    private void promptResults(JsonGenerator g) {
        if (promptResults == null) {
            return;
        }
        g.writeName("prompt_filter_results");
        g.writeStartArray();
        g.writeStartObject();
        g.writeNumberProperty("prompt_index", 0);
        g.writeName("content_filter_results");
        g.writePOJO(promptResults);
        g.writeEndObject();
        g.writeEndArray();
    }

    private void choiceResults(JsonGenerator g) {
        Map<String, Object> results = output.results();
        if (results != null) {
            g.writeName("content_filter_results");
            g.writePOJO(results);
        }
    }

    /** The first chunk of a chat stream announces the role. */
    public byte[] roleChunk() {
        return event(Json.write(g -> chunk(g, null, true, null)));
    }

    /**
     * A chunk of generated text: the chunk's constant parts are encoded once per call (on the first delta) and
     * only the text is encoded per delta. The bytes are those {@link #chunk} writes (GenerationWriterTest).
     */
    public byte[] deltaChunk(String text) {
        byte[][] parts = deltaParts;
        if (parts == null) {
            parts = deltaParts();
            deltaParts = parts;
        }
        byte[] head = parts[0];
        byte[] tail = parts[1];
        byte[] quoted = quoted(text);
        byte[] out = new byte[head.length + quoted.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(quoted, 0, out, head.length, quoted.length);
        System.arraycopy(tail, 0, out, head.length + quoted.length, tail.length);
        return out;
    }

    /** The generator's encoding of a delta chunk, which {@link #deltaChunk} must equal byte for byte (tests). */
    byte[] writtenDeltaChunk(String text) {
        return event(Json.write(g -> chunk(g, text, false, null)));
    }

    /** The delta event around its text: up to the text's opening quote, and from its closing quote. */
    private byte[][] deltaParts() {
        byte[] whole = writtenDeltaChunk("");
        byte[] needle = (gen.chat() ? "\"content\":\"\"" : "\"text\":\"\"").getBytes(StandardCharsets.US_ASCII);
        int at = lastIndexOf(whole, needle);
        int open = at + needle.length - 2; // the empty string's two quotes
        return new byte[][] {
            java.util.Arrays.copyOfRange(whole, 0, open), java.util.Arrays.copyOfRange(whole, open + 2, whole.length)
        };
    }

    /**
     * The text as a JSON string: printable ASCII that needs no escape is copied; anything else is written by the
     * JSON generator, so its escaping rules stay the only ones.
     */
    static byte[] quoted(String text) {
        int n = text.length();
        byte[] out = new byte[n + 2];
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '/') {
                return Json.write(g -> g.writeString(text));
            }
            out[i + 1] = (byte) c;
        }
        out[0] = '"';
        out[n + 1] = '"';
        return out;
    }

    private static int lastIndexOf(byte[] bytes, byte[] needle) {
        outer:
        for (int i = bytes.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("no text field in the delta chunk");
    }

    public byte[] finishChunk(String finishReason) {
        return event(Json.write(g -> chunk(g, gen.chat() ? null : "", false, finishReason)));
    }

    public byte[] usageChunk(TokenUsage usage) {
        return event(Json.write(g -> {
            head(g, chunkObject());
            g.writeName("choices");
            g.writeStartArray();
            g.writeEndArray();
            usage(g, usage);
            g.writeEndObject();
        }));
    }

    public static byte[] errorEvent(ApiException e) {
        return event(Json.write(g -> OpenAiErrors.write(g, e)));
    }

    private void chunk(JsonGenerator g, String text, boolean role, String finishReason) {
        head(g, chunkObject());
        g.writeName("choices");
        g.writeStartArray();
        g.writeStartObject();
        g.writeNumberProperty("index", 0);
        if (gen.chat()) {
            g.writeName("delta");
            g.writeStartObject();
            if (role) {
                g.writeStringProperty("role", "assistant");
                g.writeStringProperty("content", "");
            } else if (text != null) {
                g.writeStringProperty("content", text);
            }
            g.writeEndObject();
        } else {
            g.writeStringProperty("text", text == null ? "" : text);
        }
        g.writeNullProperty("logprobs");
        g.writeStringProperty("finish_reason", finishReason);
        if (finishReason != null) {
            choiceResults(g);
        }
        g.writeEndObject();
        g.writeEndArray();
        if (gen.includeUsage()) {
            g.writeNullProperty("usage");
        }
        g.writeEndObject();
    }

    private String chunkObject() {
        return gen.chat() ? "chat.completion.chunk" : "text_completion";
    }

    private void head(JsonGenerator g, String object) {
        g.writeStartObject();
        g.writeStringProperty("id", id);
        g.writeStringProperty("object", object);
        g.writeNumberProperty("created", created);
        g.writeStringProperty("model", gen.deployment().name());
    }

    private static void usage(JsonGenerator g, TokenUsage u) {
        g.writeName("usage");
        g.writeStartObject();
        g.writeNumberProperty("prompt_tokens", u.promptTokens());
        g.writeNumberProperty("completion_tokens", u.completionTokens());
        g.writeNumberProperty("total_tokens", u.totalTokens());
        g.writeEndObject();
    }

    private static byte[] event(byte[] json) {
        byte[] out = new byte[DATA.length + json.length + END.length];
        System.arraycopy(DATA, 0, out, 0, DATA.length);
        System.arraycopy(json, 0, out, DATA.length, json.length);
        System.arraycopy(END, 0, out, DATA.length + json.length, END.length);
        return out;
    }
}
