package io.modelgateway.gateway.tenancy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Tenants and keys. The checks answer from an in-memory cache and never touch the database; the
 * administrative operations run on a bounded scheduler (never on an event loop), write to the database,
 * refresh this replica's cache before they complete and tell the other replicas to refresh theirs.
 * Operations on something that does not exist complete empty.
 */
public interface Tenancy {

    /** Checks a presented API key: hash, look up, compare in constant time, expiry, revocation, tenant. */
    KeyCheck checkKey(String presented);

    /** Resolves the tenant of a credential verified elsewhere (a JWT). */
    KeyCheck checkTenant(Credential credential);

    Mono<Tenant> createTenant(String id, String name, Set<String> deployments);

    Mono<List<Tenant>> tenants();

    Mono<Tenant> tenant(String id);

    /** Changes the given fields ({@code null} = unchanged). */
    Mono<Tenant> updateTenant(String id, TenantChange change);

    /** Issues a key for a tenant, or a platform key when {@code tenantId} is {@code null}. */
    Mono<IssuedKey> issueKey(@Nullable String tenantId, String name, Set<Scope> scopes, @Nullable Instant expiresAt);

    /** A tenant's keys, or the platform keys when {@code tenantId} is {@code null}. */
    Mono<List<ApiKey>> keys(@Nullable String tenantId);

    Mono<ApiKey> key(String id);

    /**
     * Issues a successor with the same tenant, name and scopes; the old key keeps working for
     * {@code grace} (zero revokes it now), so clients can switch without downtime.
     */
    Mono<IssuedKey> rotateKey(String id, Duration grace);

    Mono<ApiKey> revokeKey(String id);

    /** The tenants allowed on a deployment (not counting tenants allowed on all deployments). */
    Mono<Set<String>> deploymentTenants(String deployment);

    /** Replaces the tenants allowed on a deployment; completes empty when a tenant does not exist. */
    Mono<Set<String>> setDeploymentTenants(String deployment, Set<String> tenantIds);

    /** A change to a tenant; {@code null} fields stay as they are. */
    record TenantChange(
            @Nullable String name,
            @Nullable TenantStatus status,
            @Nullable Set<String> deployments) {}
}
