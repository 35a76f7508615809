/**
 * Quotas: requests per minute (RPM) and tokens per minute (TPM) per tenant and deployment, with optional
 * per-key limits. Defaults come from each deployment's configuration ({@code rpm}, {@code tpm}); overrides
 * per tenant or key are stored in the database and set through the admin API
 * ({@code /admin/v1/tenants/{tenant}/limits/{deployment}}, {@code /admin/v1/keys/{key}/limits/{deployment}}).
 * Buckets are Bucket4j token buckets, shared by all replicas in Redis when {@link
 * io.modelgateway.gateway.quota.QuotaProperties#redisUrl()} is set, in memory otherwise. See {@link
 * io.modelgateway.gateway.quota.QuotaProperties.Fallback} for what happens while Redis is unreachable.
 *
 * <p>Null-safety: everything here is non-null unless marked {@code @Nullable}; NullAway checks it at compile time.
 */
@NullMarked
package io.modelgateway.gateway.quota;

import org.jspecify.annotations.NullMarked;
