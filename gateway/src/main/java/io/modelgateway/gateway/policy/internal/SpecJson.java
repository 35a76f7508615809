package io.modelgateway.gateway.policy.internal;

import io.modelgateway.gateway.policy.PolicySpec;
import io.modelgateway.gateway.runtime.JsonMappers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Policies as JSON: snake_case like the rest of the admin API, unknown fields refused. */
final class SpecJson {

    static final JsonMapper MAPPER = JsonMappers.ADMIN;

    private SpecJson() {}

    static String write(PolicySpec spec) {
        return MAPPER.writeValueAsString(spec);
    }

    static PolicySpec read(String json) {
        return MAPPER.readValue(json, PolicySpec.class);
    }

    static PolicySpec read(JsonNode node) {
        return MAPPER.treeToValue(node, PolicySpec.class);
    }

    static byte[] bytes(Object value) {
        return MAPPER.writeValueAsBytes(value);
    }
}
