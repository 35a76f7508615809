/**
 * Tenants, their deployment access and their API keys. {@link io.modelgateway.gateway.tenancy.Tenancy}
 * is the entry point: credential checks answer from memory (no database call on the request path);
 * administration writes to the database and invalidates every replica's cache.
 *
 * <p>Null-safety: everything here is non-null unless marked {@code @Nullable}; NullAway checks it at compile time.
 */
@NullMarked
package io.modelgateway.gateway.tenancy;

import org.jspecify.annotations.NullMarked;
