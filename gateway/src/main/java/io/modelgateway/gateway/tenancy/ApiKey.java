package io.modelgateway.gateway.tenancy;

import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An API key as it may be shown: everything but the key itself (only its last four characters).
 *
 * @param tenantId the owning tenant, or {@code null} for a platform key (finance, admin)
 * @param expiresAt when it stops working, or {@code null} for never
 * @param revokedAt when it was revoked, or {@code null}
 * @param lastUsedAt last successful use, recorded a few seconds late, or {@code null}
 */
public record ApiKey(
        String id,
        @Nullable String tenantId,
        String name,
        String lastFour,
        Set<Scope> scopes,
        Instant createdAt,
        @Nullable Instant expiresAt,
        @Nullable Instant revokedAt,
        @Nullable Instant lastUsedAt) {

    public ApiKey {
        scopes = Set.copyOf(scopes);
    }

    /** The key as OpenAI lists it: the prefix, an ellipsis and the last four characters. */
    public String redactedValue() {
        return Keys.PREFIX + "..." + lastFour;
    }
}
