package io.modelgateway.gateway.runtime;

import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's JSON configuration, in one place. Every feature writes and reads its JSON (answers, stored
 * columns, the console's calls to the API) with {@link #JSON} or, for the admin API's bodies, with {@link #ADMIN};
 * both come from {@link #builder()}, so a setting added there holds everywhere.
 *
 * <p>One mapper differs on purpose: {@code openai.internal.Json} parses untrusted client request bodies with
 * tighter stream limits (number length, nesting depth, name length) and duplicate-key detection; it is built from
 * its own {@code JsonFactory}, and is kept apart so those limits cannot leak into, or be loosened by, the rest.
 */
public final class JsonMappers {

    /** Jackson's defaults (field names as declared, unknown fields ignored), decimals written plainly (no 1E+3). */
    public static final JsonMapper JSON = builder().build();

    /** The admin API's bodies and stored policies: snake_case like OpenAI's, unknown fields refused. */
    public static final JsonMapper ADMIN = builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private JsonMappers() {}

    /** The shared settings, for a mapper that must add its own. */
    public static JsonMapper.Builder builder() {
        return JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN);
    }
}
