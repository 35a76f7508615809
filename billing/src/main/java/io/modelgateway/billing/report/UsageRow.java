package io.modelgateway.billing.report;

import org.jspecify.annotations.Nullable;

/**
 * One result of a usage bucket; the grouped-by fields are set, the others {@code null}.
 *
 * @param inputTokens input tokens, including {@code cachedInputTokens} (as OpenAI counts them)
 */
public record UsageRow(
        @Nullable String tenant,
        @Nullable String apiKeyId,
        @Nullable String model,
        long requests,
        long inputTokens,
        long cachedInputTokens,
        long outputTokens) {}
