package io.modelgateway.billing.report;

import java.util.Optional;

/**
 * What a usage report can group by, named as OpenAI's Usage API does: {@code project_id} is our tenant,
 * {@code model} the deployment the caller named.
 */
public enum UsageGroup {
    PROJECT_ID("project_id", "tenant_id"),
    API_KEY_ID("api_key_id", "api_key_id"),
    MODEL("model", "deployment");

    private final String value;
    private final String column;

    UsageGroup(String value, String column) {
        this.value = value;
        this.column = column;
    }

    public String value() {
        return value;
    }

    /** The column of {@code usage_record} and the rollups it groups by. */
    public String column() {
        return column;
    }

    public static Optional<UsageGroup> parse(String value) {
        for (UsageGroup g : values()) {
            if (g.value.equals(value)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }
}
