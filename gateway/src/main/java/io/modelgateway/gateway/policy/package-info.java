/**
 * Compliance: only compliant calls reach a GPU. Policies per tenant (platform default, tenant default,
 * per-deployment override) cap requests, bind tenants to regions and carry content rules (blocklists,
 * linear-time regular expressions, detectors for personal data and secrets) with Azure-shaped results;
 * every rule hit lands in an audit trail.
 */
package io.modelgateway.gateway.policy;
