package io.modelgateway.billing.usage;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one request that reached a backend consumed and cost; exactly one per request id.
 *
 * @param apiKeyId the credential's id (a key id or a JWT subject), never a secret
 * @param inputTokens prompt tokens, including {@code cachedInputTokens}
 * @param estimated true when the counts were made by the gateway, not reported by the backend
 * @param costMicros the cost in micro-units
 * @param priceVersion the price version it was computed with ({@code 0}: no price configured, free)
 * @param outcome completed, cut_short, failed or filtered
 * @param status the HTTP status the client saw
 * @param firstTokenAt {@code null} when no token was produced
 */
public record UsageRecord(
        String requestId,
        String tenant,
        String apiKeyId,
        String deployment,
        String model,
        String operation,
        int inputTokens,
        int cachedInputTokens,
        int outputTokens,
        boolean estimated,
        long costMicros,
        long priceVersion,
        String outcome,
        int status,
        Instant startedAt,
        @Nullable Instant firstTokenAt,
        Instant endedAt) {

    public UsageRecord {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(apiKeyId, "apiKeyId");
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(endedAt, "endedAt");
    }
}
