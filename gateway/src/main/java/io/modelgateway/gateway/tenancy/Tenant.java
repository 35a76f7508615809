package io.modelgateway.gateway.tenancy;

import java.time.Instant;
import java.util.Set;

/**
 * A customer of the gateway.
 *
 * @param id stable identifier chosen at creation (lower-case letters, digits, {@code -} and {@code _})
 * @param deployments the deployments (public names) the tenant may use; {@value #ALL_DEPLOYMENTS} means all
 */
public record Tenant(
        String id, String name, TenantStatus status, Set<String> deployments, Instant createdAt, Instant updatedAt) {

    public static final String ALL_DEPLOYMENTS = "*";

    public Tenant {
        deployments = Set.copyOf(deployments);
    }

    public boolean active() {
        return status == TenantStatus.ACTIVE;
    }

    public boolean mayUse(String deployment) {
        return deployments.contains(deployment) || deployments.contains(ALL_DEPLOYMENTS);
    }
}
