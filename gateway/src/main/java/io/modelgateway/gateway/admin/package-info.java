/**
 * The admin API under {@code /admin/v1}: tenants, their keys, deployments and their tenant access. Only platform
 * credentials with {@code admin} get in (each route declares it; the gate checks before any handler runs); its
 * OpenAPI document is {@code /admin/v1/openapi.yaml}.
 */
package io.modelgateway.gateway.admin;
