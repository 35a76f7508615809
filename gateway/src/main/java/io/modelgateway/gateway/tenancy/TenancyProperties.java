package io.modelgateway.gateway.tenancy;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tenancy settings ({@code gateway.tenancy.*}).
 *
 * @param redisUrl Redis for cache invalidation across replicas ({@code redis://host:6379}); blank in the
 *        embedded default, where one replica needs no messages
 * @param channel the pub/sub channel invalidations are published on
 * @param reloadInterval full reload of tenants and keys, which heals any missed invalidation
 * @param lastUsedFlushInterval how often last-used times are written, in one batch
 * @param demoTenant the tenant the demo key belongs to in the embedded default
 */
@Validated
@ConfigurationProperties("gateway.tenancy")
public record TenancyProperties(
        @DefaultValue("") String redisUrl,
        @DefaultValue("model-gateway:tenancy") @NotBlank String channel,
        @DefaultValue("30s") @NotNull Duration reloadInterval,
        @DefaultValue("5s") @NotNull Duration lastUsedFlushInterval,
        @DefaultValue("demo") @NotBlank String demoTenant) {}
