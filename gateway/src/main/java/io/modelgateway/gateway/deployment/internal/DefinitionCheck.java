package io.modelgateway.gateway.deployment.internal;

import io.modelgateway.gateway.config.GatewayProperties.DeploymentProperties;
import io.modelgateway.gateway.deployment.DefinitionProblem;
import io.modelgateway.inference.ChatTemplate;
import io.modelgateway.inference.TokenCounter;
import java.time.Duration;
import java.util.Optional;

/**
 * The checks every deployment definition passes before it is served, configured or admin-defined (beyond the
 * Jakarta constraints of {@link DeploymentProperties}): its template compiles, its encoding exists, its token
 * limits agree, its timeouts are positive and its backend can serve it.
 */
public final class DefinitionCheck {

    private DefinitionCheck() {}

    public static Optional<DefinitionProblem> problem(BackendsFactory backends, DeploymentProperties p) {
        if (p.defaultMaxTokens() > p.maxTokensLimit()) {
            return problem("default_max_tokens", "must not exceed max_tokens_limit (" + p.maxTokensLimit() + ")");
        }
        Optional<DefinitionProblem> timeout = positive("first_token_timeout", p.firstTokenTimeout())
                .or(() -> positive("idle_timeout", p.idleTimeout()))
                .or(() -> positive("request_timeout", p.requestTimeout()));
        if (timeout.isPresent()) {
            return timeout;
        }
        try {
            ChatTemplate.named(p.chatTemplate());
        } catch (RuntimeException e) {
            return problem("chat_template", e.getMessage());
        }
        try {
            TokenCounter.of(p.tokenEncoding());
        } catch (RuntimeException e) {
            return problem("token_encoding", e.getMessage());
        }
        return backends.problem(p).map(message -> new DefinitionProblem("backend", message));
    }

    /** A day at most: longer waits are mistakes, and stored in milliseconds they could overflow. */
    private static final Duration MAX_TIMEOUT = Duration.ofDays(1);

    private static Optional<DefinitionProblem> positive(String field, Duration value) {
        return value.isNegative() || value.isZero() || value.compareTo(MAX_TIMEOUT) > 0
                ? problem(field, "must be positive and at most a day") : Optional.empty();
    }

    private static Optional<DefinitionProblem> problem(String field, String message) {
        return Optional.of(new DefinitionProblem(field, message));
    }
}
