package io.modelgateway.billing.ledger;

import java.util.Locale;
import java.util.Optional;

/** What a credit entry records. Usage debits are the usage records themselves, one per request. */
public enum EntryKind {
    /** Credits given (may expire). */
    GRANT,
    /** Credits bought; always with an idempotency key. */
    TOP_UP,
    /** The unused part of an expired grant, taken back (negative). */
    EXPIRY,
    /** A manual correction, positive or negative. */
    ADJUSTMENT;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<EntryKind> parse(String value) {
        for (EntryKind k : values()) {
            if (k.value().equals(value)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
