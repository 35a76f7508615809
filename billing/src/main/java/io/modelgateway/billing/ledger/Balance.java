package io.modelgateway.billing.ledger;

/**
 * A tenant's balance as the ledger derives it, in micro-units.
 *
 * @param credits the sum of all credit entries (grants, top-ups, expiries, adjustments)
 * @param usage the sum of all recorded usage costs
 */
public record Balance(String tenant, boolean account, long credits, long usage) {

    /** What is left: {@code credits - usage}. */
    public long balance() {
        return credits - usage;
    }
}
