/**
 * Call outcomes: every replica counts how inference requests ended (ok, refused with a 4xx by code, failed
 * with a 5xx, cancelled) per tenant, deployment and minute in memory, and adds the counts to the
 * {@code call_outcome} table periodically and at shutdown; {@link io.modelgateway.gateway.metering.outcome.OutcomeReports}
 * reads them for the Outcomes API ({@code /v1/organization/usage/outcomes}). Implementation in {@code internal}.
 *
 * <p>Null-safety: everything here is non-null unless marked {@code @Nullable}; NullAway checks it at compile time.
 */
@NullMarked
package io.modelgateway.gateway.metering.outcome;

import org.jspecify.annotations.NullMarked;
