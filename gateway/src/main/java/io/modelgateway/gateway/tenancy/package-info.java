/**
 * Tenants, their deployment access and their API keys. {@link io.modelgateway.gateway.tenancy.Tenancy}
 * is the entry point: credential checks answer from memory (no database call on the request path);
 * administration writes to the database and invalidates every replica's cache.
 */
package io.modelgateway.gateway.tenancy;
