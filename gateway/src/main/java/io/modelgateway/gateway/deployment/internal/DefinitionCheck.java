package io.modelgateway.gateway.deployment.internal;

import io.modelgateway.gateway.config.CatalogProperties;
import io.modelgateway.gateway.config.CatalogProperties.Lifecycle;
import io.modelgateway.gateway.config.GatewayProperties.DeploymentProperties;
import io.modelgateway.gateway.config.GatewayProperties.Kind;
import io.modelgateway.gateway.deployment.DefinitionProblem;
import io.modelgateway.inference.ChatTemplate;
import io.modelgateway.inference.TokenCounter;
import java.time.Duration;
import java.util.Optional;

/**
 * The checks every deployment definition passes before it is served, configured or admin-defined (beyond the
 * Jakarta constraints of {@link DeploymentProperties}): its template compiles, its encoding exists, its token
 * limits agree, its timeouts are positive, its catalog entry is consistent and its backend can serve it.
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
        return catalog(p).or(() -> backends.problem(p).map(message -> new DefinitionProblem("backend", message)));
    }

    /** The catalog entry agrees with itself and with the deployment. */
    static Optional<DefinitionProblem> catalog(DeploymentProperties p) {
        CatalogProperties c = p.catalog();
        if (c.deprecationDate() != null && c.deprecation().isEmpty()) {
            return problem("catalog.deprecation_date", "must be a date YYYY-MM-DD");
        }
        if (c.retirementDate() != null && c.retirement().isEmpty()) {
            return problem("catalog.retirement_date", "must be a date YYYY-MM-DD");
        }
        if (c.lifecycle() == Lifecycle.DEPRECATED && c.retirementDate() == null) {
            return problem("catalog.retirement_date", "a deprecated deployment needs its retirement date");
        }
        if (c.deprecation().isPresent()
                && c.retirement().filter(r -> r.isBefore(c.deprecation().get())).isPresent()) {
            return problem("catalog.retirement_date", "must not be before catalog.deprecation_date");
        }
        if (c.successor() != null && c.lifecycle() != Lifecycle.DEPRECATED && c.lifecycle() != Lifecycle.RETIRED) {
            return problem("catalog.successor", "only a deprecated or retired deployment has a successor");
        }
        if (c.embeddingDimensions() != null && p.kind() != Kind.EMBEDDINGS) {
            return problem("catalog.embedding_dimensions", "only an embeddings deployment has embedding dimensions");
        }
        if (c.maxOutputTokens() != null && p.kind() == Kind.EMBEDDINGS) {
            return problem("catalog.max_output_tokens", "an embeddings deployment has no output tokens");
        }
        if (c.contextLength() != null && c.maxOutputTokens() != null && c.maxOutputTokens() > c.contextLength()) {
            return problem(
                    "catalog.max_output_tokens", "must not exceed catalog.context_length (" + c.contextLength() + ")");
        }
        return Optional.empty();
    }

    /** A day at most: longer waits are mistakes, and stored in milliseconds they could overflow. */
    private static final Duration MAX_TIMEOUT = Duration.ofDays(1);

    private static Optional<DefinitionProblem> positive(String field, Duration value) {
        return value.isNegative() || value.isZero() || value.compareTo(MAX_TIMEOUT) > 0
                ? problem(field, "must be positive and at most a day")
                : Optional.empty();
    }

    private static Optional<DefinitionProblem> problem(String field, String message) {
        return Optional.of(new DefinitionProblem(field, message));
    }
}
