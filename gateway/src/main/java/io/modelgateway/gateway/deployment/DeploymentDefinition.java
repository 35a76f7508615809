package io.modelgateway.gateway.deployment;

import io.modelgateway.gateway.config.GatewayProperties.DeploymentProperties;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A deployment as defined: its public name and settings (the same record as {@code gateway.deployments.<name>},
 * so both sources are validated and resolved alike), where the definition comes from, and when it was stored
 * ({@code null} for configured ones).
 */
public record DeploymentDefinition(
        String name,
        DeploymentProperties settings,
        Source source,
        @Nullable Instant createdAt,
        @Nullable Instant updatedAt) {

    /** Where a deployment is defined. */
    public enum Source {
        /** {@code gateway.deployments.<name>}: fixed until restart, cannot be changed or shadowed via the API. */
        CONFIGURATION,
        /** The admin API ({@code /admin/v1/deployments}), stored in the database. */
        ADMIN;

        public String value() {
            return name().toLowerCase();
        }
    }

    public DeploymentDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(source, "source");
    }

    public static DeploymentDefinition configured(String name, DeploymentProperties settings) {
        return new DeploymentDefinition(name, settings, Source.CONFIGURATION, null, null);
    }

    public boolean configured() {
        return source == Source.CONFIGURATION;
    }
}
