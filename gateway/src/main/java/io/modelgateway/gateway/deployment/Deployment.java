package io.modelgateway.gateway.deployment;

import io.modelgateway.gateway.config.GatewayProperties.Kind;
import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.ChatTemplate;
import io.modelgateway.inference.TensorLayout;
import io.modelgateway.inference.TokenCounter;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A deployment resolved for serving: its backend, template and token counter are ready, so the request path
 * does no lookups beyond one map read. Exactly one of {@code backend} (a pool of Triton replicas) and
 * {@code upstream} (an OpenAI-compatible HTTP server, see {@link #proxied()}) is set. {@code region} is
 * where it serves ({@code null} = not said).
 */
public record Deployment(
        String name,
        Kind kind,
        String model,
        @Nullable BackendPool backend,
        ChatTemplate chatTemplate,
        TokenCounter tokens,
        int defaultMaxTokens,
        int maxTokensLimit,
        Duration firstTokenTimeout,
        Duration idleTimeout,
        Duration requestTimeout,
        @Nullable HttpUpstream upstream,
        @Nullable String region) {

    public Deployment {
        if ((backend == null) == (upstream == null)) {
            throw new IllegalArgumentException("deployment '" + name + "' needs exactly one of a pool and an upstream");
        }
    }

    /** Whether calls are proxied to an OpenAI-compatible HTTP upstream rather than sent to Triton. */
    public boolean proxied() {
        return upstream != null;
    }

    /**
     * The first of {@code parameters} (OpenAI/vLLM names, only those the client set) this deployment cannot
     * honour, for a 400 naming it. An upstream takes every parameter; a Triton model answers from its layout,
     * or, while an {@code auto} layout is not detected yet, refuses what no Triton layout can answer (n > 1,
     * logprobs, logit_bias).
     */
    public Optional<String> unsupportedParameter(Collection<String> parameters) {
        if (backend == null || parameters.isEmpty()) { // no pool: proxied to an upstream
            return Optional.empty();
        }
        CompletableFuture<TensorLayout> layout = backend.layout(model);
        TensorLayout known =
                layout.isDone() && !layout.isCompletedExceptionally() ? layout.join() : TensorLayout.vllm();
        return known.unsupportedParameter(parameters);
    }
}
