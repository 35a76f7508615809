package io.modelgateway.gateway.tenancy;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of checking a presented credential, as a value: the request path turns it into a status
 * without exceptions or database calls.
 *
 * @param credential set unless the outcome is {@link Outcome#UNKNOWN}
 * @param tenant the credential's tenant, when it has one and it exists
 */
public record KeyCheck(
        Outcome outcome,
        @Nullable Credential credential,
        @Nullable Tenant tenant) {

    public enum Outcome {
        OK,
        UNKNOWN,
        REVOKED,
        EXPIRED,
        TENANT_UNKNOWN,
        TENANT_SUSPENDED
    }

    public static KeyCheck of(Outcome outcome) {
        return new KeyCheck(outcome, null, null);
    }

    public boolean ok() {
        return outcome == Outcome.OK;
    }
}
