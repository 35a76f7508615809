package io.modelgateway.billing.ledger;

import java.time.Instant;

/**
 * One append-only entry of a tenant's credit ledger.
 *
 * @param amountMicros signed amount in micro-units (grants and top-ups positive, expiries negative)
 * @param idempotencyKey the client's key, or {@code null}
 * @param expiresAt for grants that expire, else {@code null}
 * @param refersTo the grant an expiry takes back, else {@code 0}
 */
public record CreditEntry(
        long id,
        String tenant,
        EntryKind kind,
        long amountMicros,
        String idempotencyKey,
        Instant expiresAt,
        long refersTo,
        String note,
        Instant createdAt) {}
