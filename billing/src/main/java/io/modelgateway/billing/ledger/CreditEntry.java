package io.modelgateway.billing.ledger;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

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
        @Nullable String idempotencyKey,
        @Nullable Instant expiresAt,
        long refersTo,
        @Nullable String note,
        Instant createdAt) {}
