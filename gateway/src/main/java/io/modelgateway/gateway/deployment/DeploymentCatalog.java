package io.modelgateway.gateway.deployment;

import io.modelgateway.gateway.config.GatewayProperties.DeploymentProperties;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Defines, replaces and removes deployments through the admin API. Each change is validated exactly like a
 * configured deployment (a broken one fails with a 400 naming the field and changes nothing), stored, in
 * force on this replica when the returned {@code Mono} completes, and on the others within a second.
 * Configured deployments cannot be shadowed, replaced or removed (409). Failures are {@code ApiException}s.
 */
public interface DeploymentCatalog {

    /**
     * The settings given as admin API fields (snake_case names, values as configuration spells them:
     * {@code "60s"} or milliseconds for durations, {@code chat} for the kind), with configuration's defaults
     * for absent ones; a 400 naming the first field that does not bind or validate.
     */
    DeploymentProperties settings(Map<String, String> fields);

    /** Defines a new deployment; 409 when the name is taken. */
    Mono<DeploymentDefinition> create(String name, DeploymentProperties settings);

    /** Replaces an admin-defined deployment's settings; 404 when there is none by that name. */
    Mono<DeploymentDefinition> replace(String name, DeploymentProperties settings);

    /** Removes an admin-defined deployment; 404 when there is none by that name. */
    Mono<DeploymentDefinition> delete(String name);
}
