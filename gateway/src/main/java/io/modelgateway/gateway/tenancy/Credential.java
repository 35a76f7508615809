package io.modelgateway.gateway.tenancy;

import java.util.Set;

/**
 * A verified credential: a stored API key, the configured admin key, or a validated JWT.
 *
 * @param id the key's id (or the JWT's subject); safe to log
 * @param tenantId the tenant it acts for, or {@code null} for a platform credential
 */
public record Credential(String id, String tenantId, String name, Set<Scope> scopes) {

    public Credential {
        scopes = Set.copyOf(scopes);
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }
}
