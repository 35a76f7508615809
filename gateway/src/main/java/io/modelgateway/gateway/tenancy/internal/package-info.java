/**
 * How tenancy works inside: {@code TenancyRepository} (blocking JDBC, run on a bounded scheduler),
 * {@code TenancyCache} (an immutable snapshot swapped whole), {@code LastUsed} (batched last-used
 * times), {@code Invalidations} (Redis pub/sub between replicas) and {@code TenancyService}, which ties
 * them together: full reload at start, on every invalidation message and every {@code reload-interval}.
 *
 * <p>Null-safety: everything here is non-null unless marked {@code @Nullable}; NullAway checks it at compile time.
 */
@NullMarked
package io.modelgateway.gateway.tenancy.internal;

import org.jspecify.annotations.NullMarked;
