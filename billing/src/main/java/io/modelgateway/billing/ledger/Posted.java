package io.modelgateway.billing.ledger;

/**
 * The entry a post left in the ledger.
 *
 * @param created {@code false} when an entry with the same idempotency key already existed (then it is that
 *        one, and nothing was added)
 */
public record Posted(CreditEntry entry, boolean created) {}
