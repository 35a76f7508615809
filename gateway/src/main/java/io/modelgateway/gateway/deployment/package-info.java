/**
 * Deployments: the models this gateway serves by public name. {@link io.modelgateway.gateway.deployment.Deployments}
 * holds them (configured in {@code gateway.deployments} or defined through the admin API's
 * {@link io.modelgateway.gateway.deployment.DeploymentCatalog}), each resolved into a
 * {@link io.modelgateway.gateway.deployment.Deployment} bound to a pool of Triton replicas or to an
 * OpenAI-compatible {@link io.modelgateway.gateway.deployment.HttpUpstream};
 * {@link io.modelgateway.gateway.deployment.BackendsHealthIndicator} reports their backends' readiness.
 * Implementation (pools, snapshots, the catalog's table and reloads) in {@code internal}.
 *
 * <p>Null-safety: everything here is non-null unless marked {@code @Nullable}; NullAway checks it at compile time.
 */
@NullMarked
package io.modelgateway.gateway.deployment;

import org.jspecify.annotations.NullMarked;
