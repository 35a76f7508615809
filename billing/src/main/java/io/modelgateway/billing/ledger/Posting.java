package io.modelgateway.billing.ledger;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A credit entry to append. {@code idempotencyKey} makes a retried post return the first one. */
public record Posting(
        String tenant,
        EntryKind kind,
        long amountMicros,
        @Nullable String idempotencyKey,
        @Nullable Instant expiresAt,
        long refersTo,
        @Nullable String note) {

    public Posting {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(kind, "kind");
        if ((kind == EntryKind.GRANT || kind == EntryKind.TOP_UP) && amountMicros <= 0) {
            throw new IllegalArgumentException(kind.value() + " amount must be positive");
        }
        if (kind == EntryKind.TOP_UP && (idempotencyKey == null || idempotencyKey.isBlank())) {
            throw new IllegalArgumentException("a top-up needs an idempotency key");
        }
        if (expiresAt != null && kind != EntryKind.GRANT) {
            throw new IllegalArgumentException("only grants expire");
        }
    }

    public static Posting grant(
            String tenant,
            long amount,
            @Nullable String idempotencyKey,
            @Nullable Instant expiresAt,
            @Nullable String note) {
        return new Posting(tenant, EntryKind.GRANT, amount, idempotencyKey, expiresAt, 0, note);
    }

    public static Posting topUp(String tenant, long amount, String idempotencyKey, @Nullable String note) {
        return new Posting(tenant, EntryKind.TOP_UP, amount, idempotencyKey, null, 0, note);
    }

    public static Posting adjustment(
            String tenant, long amount, @Nullable String idempotencyKey, @Nullable String note) {
        return new Posting(tenant, EntryKind.ADJUSTMENT, amount, idempotencyKey, null, 0, note);
    }
}
