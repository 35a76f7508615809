package io.modelgateway.gateway.deployment;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Deployments defined through the admin API ({@code gateway.deployment-catalog.*}). Changes reach the other
 * replicas through the tenancy's Redis pub/sub ({@code gateway.tenancy.redis-url}) within a second, and the
 * periodic reload in any case.
 *
 * @param reloadInterval full reload of the stored deployments, which heals any missed change message
 * @param topic the pub/sub topic (a channel {@code <gateway.tenancy.channel>:<topic>})
 * @param poolCloseGrace a pool no deployment uses any more is closed once its calls in flight finished, and
 *        at the latest after this long
 */
@Validated
@ConfigurationProperties("gateway.deployment-catalog")
public record DeploymentCatalogProperties(
        @DefaultValue("30s") @NotNull Duration reloadInterval,
        @DefaultValue("deployments") @NotBlank String topic,
        @DefaultValue("10m") @NotNull Duration poolCloseGrace) {}
