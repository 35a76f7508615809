package io.modelgateway.gateway.admin;

import io.modelgateway.gateway.edge.json.Fields;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Admin request bodies (snake_case on the wire). */
final class Requests {

    private Requests() {}

    static final String TENANT_ID = "[a-z0-9][a-z0-9_-]{0,63}";

    record CreateTenant(
            @NotBlank @Pattern(regexp = TENANT_ID, message = "lower-case letters, digits, '-' and '_', at most 64")
            String id,

            @NotBlank @Size(max = 200) String name,
            @Size(max = 1000) List<@NotBlank String> deployments) {}

    /** {@code null} fields stay as they are. */
    record UpdateTenant(
            @Size(min = 1, max = 200) String name,

            @Pattern(regexp = "active|suspended", message = "must be 'active' or 'suspended'")
            String status,

            @Size(max = 1000) List<@NotBlank String> deployments) {}

    /** @param expiresAt Unix seconds, or {@code null} for a key that does not expire */
    record CreateKey(
            @NotBlank @Size(max = 200) String name,
            @Size(max = 4) List<@NotBlank String> scopes,
            @PositiveOrZero @Max(Fields.MAX_EPOCH_SECOND) Long expiresAt) {}

    /** @param graceSeconds how long the old key keeps working (default a day, at most a year; 0 revokes it at once) */
    record RotateKey(@PositiveOrZero @Max(366L * 24 * 3600) Long graceSeconds) {}

    record SetTenants(@NotNull @Size(max = 10000) List<@NotBlank String> tenants) {}
}
