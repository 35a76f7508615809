/**
 * Compute credits: prepaid accounts per tenant, from which a call's most possible cost is held at admission
 * and its real cost captured when it ends. This package is what other features see:
 * {@link io.modelgateway.gateway.credits.BillingProperties} ({@code gateway.billing.*}) and
 * {@link io.modelgateway.gateway.credits.CallPrice}, the call slot where the credit stage publishes the price
 * a call was admitted at (read by the usage stage through {@code metering.UsagePricing}). Implementation in
 * {@code internal}: the credit stage, the accounts (in memory, or in Redis across replicas), the periodic check
 * against the ledger and the billing admin API.
 *
 * <p>Null-safety: everything here is non-null unless marked {@code @Nullable}; NullAway checks it at compile time.
 */
@NullMarked
package io.modelgateway.gateway.credits;

import org.jspecify.annotations.NullMarked;
