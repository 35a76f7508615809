package io.modelgateway.gateway.quota;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Quota settings ({@code gateway.quota.*}). The limits themselves are per deployment
 * ({@code gateway.deployments.<name>.rpm/tpm}) and per tenant or key (admin API).
 *
 * @param redisUrl Redis holding the buckets shared by all replicas ({@code redis://host:6379}); blank =
 *        buckets in this replica's memory (the embedded default, one replica)
 * @param keyPrefix prefix of every Redis key and channel this feature uses
 * @param fallback what to do while Redis is unreachable
 * @param replicas how many replicas share the limits; while Redis is unreachable each replica enforces
 *        its share, limit / replicas, on local buckets ({@link Fallback#LOCAL})
 * @param redisTimeout longest wait for one Redis command before the replica falls back
 * @param recoveryInterval how often a replica that fell back checks whether Redis is back
 * @param reloadInterval full reload of the stored limits, which heals a missed invalidation
 */
@Validated
@ConfigurationProperties("gateway.quota")
public record QuotaProperties(
        @DefaultValue("") String redisUrl,
        @DefaultValue("model-gateway:quota") @NotBlank String keyPrefix,
        @DefaultValue("local") @NotNull Fallback fallback,
        @DefaultValue("1") @Positive int replicas,
        @DefaultValue("2s") @NotNull Duration redisTimeout,
        @DefaultValue("1s") @NotNull Duration recoveryInterval,
        @DefaultValue("30s") @NotNull Duration reloadInterval) {

    /** What a replica does while the shared buckets in Redis cannot be reached. */
    public enum Fallback {
        /** Keep enforcing this replica's share of each limit on local buckets (the default). */
        LOCAL,
        /** Refuse calls on limited deployments with 503 {@code quota_unavailable} (fail closed). */
        REJECT,
        /** Admit calls without checking limits (fail open). */
        ALLOW
    }

    /** Whether buckets are shared through Redis. */
    public boolean shared() {
        return !redisUrl.isBlank();
    }
}
