package io.modelgateway.gateway.tenancy;

import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A verified credential: a stored API key, the configured admin key, or a validated JWT.
 *
 * @param id the key's id (or the JWT's subject); safe to log
 * @param tenantId the tenant it acts for, or {@code null} for a platform credential
 * @param scopes what it may do; platform scopes ({@link Scope#platform()}) exist only for credentials that belong
 *        to no tenant, so a tenant credential never holds them, whatever was stored or claimed
 */
public record Credential(String id, @Nullable String tenantId, String name, Set<Scope> scopes) {

    public Credential {
        Set<Scope> held = scopes.isEmpty() ? EnumSet.noneOf(Scope.class) : EnumSet.copyOf(scopes);
        if (tenantId != null) {
            held.removeIf(Scope::platform);
        }
        scopes = Set.copyOf(held);
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }
}
