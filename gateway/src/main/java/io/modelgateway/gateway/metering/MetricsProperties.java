package io.modelgateway.gateway.metering;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Metrics settings ({@code gateway.metrics.*}).
 *
 * @param maxTenantLabels how many distinct tenants get their own {@code tenant} label; later ones share
 *        {@code other}, so a large tenant base cannot explode the number of series (0 = all {@code other})
 * @param probeInterval how often backend readiness, Redis and the database are probed for the gauges and
 *        latency timers
 */
@Validated
@ConfigurationProperties("gateway.metrics")
public record MetricsProperties(
        @DefaultValue("100") @PositiveOrZero int maxTenantLabels,
        @DefaultValue("15s") @NotNull Duration probeInterval) {}
