package io.modelgateway.gateway.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.modelgateway.gateway.config.CatalogProperties;
import io.modelgateway.gateway.config.GatewayProperties.DeploymentProperties;
import io.modelgateway.gateway.deployment.DeploymentDefinition;
import io.modelgateway.gateway.tenancy.ApiKey;
import io.modelgateway.gateway.tenancy.IssuedKey;
import io.modelgateway.gateway.tenancy.Scope;
import io.modelgateway.gateway.tenancy.Tenant;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** What the admin API returns. Times are Unix seconds, as in OpenAI's APIs. Keys never carry a hash. */
final class Views {

    private Views() {}

    record TenantView(
            String object,
            String id,
            String name,
            String status,
            List<String> deployments,
            long createdAt,
            long updatedAt) {

        static TenantView of(Tenant t) {
            return new TenantView(
                    "tenant",
                    t.id(),
                    t.name(),
                    t.status().value(),
                    t.deployments().stream().sorted().toList(),
                    seconds(t.createdAt()),
                    seconds(t.updatedAt()));
        }
    }

    /** @param key the full key: only in the create and rotate responses, never again */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    record KeyView(
            String object,
            String id,
            String tenantId,
            String name,
            String lastFour,
            String redactedValue,
            List<String> scopes,
            long createdAt,
            Long expiresAt,
            Long revokedAt,
            Long lastUsedAt,
            String key) {

        static KeyView of(ApiKey k) {
            return of(k, null);
        }

        static KeyView of(IssuedKey issued) {
            return of(issued.key(), issued.secret());
        }

        private static KeyView of(ApiKey k, String secret) {
            return new KeyView(
                    "api_key",
                    k.id(),
                    k.tenantId(),
                    k.name(),
                    k.lastFour(),
                    k.redactedValue(),
                    k.scopes().stream().map(Scope::value).sorted().toList(),
                    seconds(k.createdAt()),
                    nullable(k.expiresAt()),
                    nullable(k.revokedAt()),
                    nullable(k.lastUsedAt()),
                    secret);
        }
    }

    /**
     * A deployment with where it is defined and all its settings, spelled as the admin API takes them
     * (durations as {@code "60s"} or {@code "1500ms"}; rpm/tpm {@code null} = no default limit).
     */
    record DeploymentView(
            String object,
            String id,
            String source,
            String kind,
            String backend,
            String model,
            String chatTemplate,
            String tokenEncoding,
            int defaultMaxTokens,
            int maxTokensLimit,
            String firstTokenTimeout,
            String idleTimeout,
            String requestTimeout,
            Long rpm,
            Long tpm,
            String layout,
            String region,
            CatalogView catalog,
            List<String> tenants,
            Long createdAt,
            Long updatedAt) {

        static DeploymentView of(DeploymentDefinition d, Set<String> tenants) {
            DeploymentProperties p = d.settings();
            return new DeploymentView(
                    "deployment",
                    d.name(),
                    d.source().value(),
                    lower(p.kind()),
                    p.backend(),
                    p.model(),
                    p.chatTemplate(),
                    p.tokenEncoding(),
                    p.defaultMaxTokens(),
                    p.maxTokensLimit(),
                    duration(p.firstTokenTimeout()),
                    duration(p.idleTimeout()),
                    duration(p.requestTimeout()),
                    p.rpm(),
                    p.tpm(),
                    io.modelgateway.gateway.config.LayoutSpelling.of(p.layout()),
                    p.region(),
                    CatalogView.of(p.catalog()),
                    tenants.stream().sorted().toList(),
                    nullable(d.createdAt()),
                    nullable(d.updatedAt()));
        }

        private static String lower(Enum<?> e) {
            return e.name().toLowerCase();
        }

        private static String duration(Duration d) {
            long ms = d.toMillis();
            return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
        }
    }

    /** A deployment's catalog entry as the admin API takes it. */
    record CatalogView(
            String displayName,
            String description,
            String publisher,
            String license,
            List<String> tags,
            List<String> modalities,
            Integer contextLength,
            Integer maxOutputTokens,
            Integer embeddingDimensions,
            String lifecycle,
            String deprecationDate,
            String retirementDate,
            String successor) {

        static CatalogView of(CatalogProperties c) {
            return new CatalogView(
                    c.displayName(),
                    c.description(),
                    c.publisher(),
                    c.license(),
                    c.tags(),
                    c.modalities(),
                    c.contextLength(),
                    c.maxOutputTokens(),
                    c.embeddingDimensions(),
                    c.lifecycle().value(),
                    c.deprecationDate(),
                    c.retirementDate(),
                    c.successor());
        }
    }

    static long seconds(Instant at) {
        return at.getEpochSecond();
    }

    static Long nullable(Instant at) {
        return at == null ? null : at.getEpochSecond();
    }
}
