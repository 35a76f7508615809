package io.modelgateway.gateway.edge.json;

import io.modelgateway.gateway.edge.error.ApiException;
import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON in and out of the OpenAI endpoints: trees for requests, a streaming generator for responses. Every
 * request body of the gateway (OpenAI, admin, billing, compliance) is parsed here, under limits that keep a
 * hostile body cheap: numbers of at most {@value #MAX_NUMBER_LENGTH} characters, at most
 * {@value #MAX_DEPTH} levels of nesting and names of at most {@value #MAX_NAME_LENGTH} characters (the body
 * itself is capped by its reader). A number's exponent is not limited here: readers check its range.
 */
public final class Json {

    static final int MAX_NUMBER_LENGTH = 64;
    static final int MAX_DEPTH = 64;
    static final int MAX_NAME_LENGTH = 1024;

    /** Not {@code runtime.JsonMappers}: client bodies are parsed with tighter limits of their own (see there). */
    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .maxNestingDepth(MAX_DEPTH)
                            .maxNameLength(MAX_NAME_LENGTH)
                            .build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {}

    /** Parses a request body; malformed JSON or invalid UTF-8 is a 400. */
    public static JsonNode parse(byte[] body) {
        return parse(new java.io.ByteArrayInputStream(body), body.length);
    }

    /** Parses a request body of {@code size} bytes from a stream (no copy of it); as {@link #parse(byte[])}. */
    public static JsonNode parse(java.io.InputStream body, int size) {
        if (size == 0) {
            throw ApiException.invalid(null, "The request body is empty; expected a JSON object.");
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw ApiException.invalid(null, "The request body must be a JSON object.");
            }
            return node;
        } catch (StreamConstraintsException e) {
            throw ApiException.invalid(
                    null,
                    "invalid_json",
                    "The JSON body of your request is outside this "
                            + "gateway's limits: numbers of at most " + MAX_NUMBER_LENGTH + " characters, at most "
                            + MAX_DEPTH + " levels of nesting, names of at most " + MAX_NAME_LENGTH + " characters.");
        } catch (JacksonException e) {
            throw ApiException.invalid(
                    null,
                    "invalid_json",
                    "We could not parse the JSON body of your request: " + e.getOriginalMessage());
        }
    }

    /** A plain value (maps, lists, strings, numbers) as a JSON tree. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    public static byte[] write(Consumer<JsonGenerator> writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = MAPPER.createGenerator(out)) {
            writer.accept(g);
        }
        return out.toByteArray();
    }
}
