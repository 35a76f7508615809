package io.modelgateway.gateway.auth;

import io.modelgateway.gateway.tenancy.Scope;
import io.modelgateway.gateway.tenancy.Tenant;
import java.util.Set;
import org.springframework.web.server.ServerWebExchange;

/**
 * Who is calling: the tenant (or {@code null} for a platform credential), the credential's id (a key id
 * or a JWT subject, never a secret), its scopes, and the deployments the tenant may use.
 */
public record Caller(String tenant, String credential, Set<Scope> scopes, Set<String> deployments) {

    public static final String ATTRIBUTE = Caller.class.getName();

    public Caller {
        scopes = Set.copyOf(scopes);
        deployments = Set.copyOf(deployments);
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }

    /** Whether this is a platform credential (one of no tenant). */
    public boolean platform() {
        return tenant == null;
    }

    /** Whether the tenant may use this deployment. Platform credentials use no deployments. */
    public boolean mayUse(String deployment) {
        return deployments.contains(deployment) || deployments.contains(Tenant.ALL_DEPLOYMENTS);
    }

    /** The caller the gate recorded, or {@code null} on public routes. */
    public static Caller of(ServerWebExchange exchange) {
        return exchange.getAttribute(ATTRIBUTE);
    }
}
