package io.modelgateway.gateway.policy;

import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Compliance policies at three levels: the platform default ({@link #PLATFORM}), a tenant's default
 * ({@link #ALL_DEPLOYMENTS}) and a tenant's override for one deployment. Stored in the database, read on
 * the request path from memory only; changes made on this replica apply at once, those of other replicas
 * within the reload interval. Administrative operations run on a bounded scheduler.
 */
public interface CompliancePolicies {

    /** The tenant id of the platform default. */
    String PLATFORM = "*";
    /** The deployment of a tenant's (or the platform's) default. */
    String ALL_DEPLOYMENTS = "*";

    /** The policy stored at one level, or empty. */
    Mono<PolicySpec> get(String tenant, String deployment);

    /**
     * Stores a level's policy, replacing what was there.
     *
     * @throws IllegalArgumentException (as the Mono's error) when the policy is invalid, naming the field
     */
    Mono<PolicySpec> put(String tenant, String deployment, PolicySpec spec);

    /** Removes a level's policy; completes with whether there was one. */
    Mono<Boolean> delete(String tenant, String deployment);

    /** What applies to a tenant on a deployment, all levels merged (memory only). */
    PolicySpec effective(String tenant, String deployment);

    /**
     * The regions a tenant's traffic on a deployment may be served in; empty = anywhere. Backend routing
     * (pools with members in several regions) must choose only members in these regions and answer 503
     * when none is available, never fall back to a foreign one.
     */
    Set<String> regions(String tenant, String deployment);
}
