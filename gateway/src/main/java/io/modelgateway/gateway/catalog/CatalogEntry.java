package io.modelgateway.gateway.catalog;

import io.modelgateway.billing.pricing.Price;
import io.modelgateway.gateway.config.CatalogProperties;
import io.modelgateway.gateway.config.CatalogProperties.Lifecycle;
import io.modelgateway.gateway.config.GatewayProperties.Kind;
import io.modelgateway.gateway.deployment.Deployment;
import java.util.List;

/**
 * One deployment as the catalog shows it: its configured entry, its lifecycle today (a deprecated deployment
 * past its retirement date is retired), the price in force now ({@code null} when it has none), and its live
 * status.
 *
 * @param readyReplicas replicas of its Triton pool that are up and have its model ready ({@code null} for an
 *        HTTP upstream, which is not polled)
 * @param replicas replicas of its pool ({@code null} for an HTTP upstream)
 * @param contextLength configured, else as the backend's ModelConfig reports it (parameter
 *        {@code max_model_len}); {@code null} when neither says
 * @param embeddingDimensions configured, else the last dimension of the {@code embedding} output in the
 *        backend's ModelConfig (embeddings deployments)
 * @param loadState {@code loading}, {@code unloading} or {@code unloaded} while the admin API holds it back
 *        (see {@code ModelLoads}); {@code null} when it is live
 */
public record CatalogEntry(
        Deployment deployment,
        CatalogProperties card,
        Lifecycle lifecycle,
        Price price,
        Integer readyReplicas,
        Integer replicas,
        String loadState,
        Integer contextLength,
        Integer embeddingDimensions) {

    public String id() {
        return deployment.name();
    }

    /** What it can be called for: {@code chat} and {@code completions}, or {@code embeddings}. */
    public List<String> tasks() {
        return deployment.kind() == Kind.EMBEDDINGS ? List.of("embeddings") : List.of("chat", "completions");
    }

    /**
     * What it can do, for search: its tasks as Azure names them ({@code chat_completion}, {@code completion},
     * {@code embeddings}) and its input modalities beyond text ({@code image}, {@code audio}, {@code video}).
     */
    public List<String> capabilities() {
        List<String> tasks =
                deployment.kind() == Kind.EMBEDDINGS ? List.of("embeddings") : List.of("chat_completion", "completion");
        return java.util.stream.Stream.concat(
                        tasks.stream(), card.modalities().stream().filter(m -> !m.equals("text")))
                .toList();
    }

    /** The most tokens of one answer: the catalog's figure, else the deployment's enforced limit. */
    public Integer maxOutputTokens() {
        if (deployment.kind() == Kind.EMBEDDINGS) {
            return null;
        }
        return card.maxOutputTokens() != null ? card.maxOutputTokens() : deployment.maxTokensLimit();
    }

    public List<String> regions() {
        return deployment.region() == null ? List.of() : List.of(deployment.region());
    }

    public String displayName() {
        return card.displayName() != null ? card.displayName() : deployment.name();
    }
}
