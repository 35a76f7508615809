package io.modelgateway.gateway.deployment;

import io.modelgateway.gateway.config.GatewayProperties.Kind;
import io.modelgateway.inference.ChatTemplate;
import io.modelgateway.inference.TokenCounter;
import io.modelgateway.inference.TritonClient;
import java.time.Duration;

/**
 * A deployment resolved for serving: its backend client, template and token counter are ready, so the
 * request path does no lookups beyond one map read. {@code region} is where it serves ({@code null} =
 * not said).
 */
public record Deployment(
        String name,
        Kind kind,
        String model,
        TritonClient backend,
        ChatTemplate chatTemplate,
        TokenCounter tokens,
        int defaultMaxTokens,
        int maxTokensLimit,
        Duration firstTokenTimeout,
        Duration idleTimeout,
        Duration requestTimeout,
        String region) {}
