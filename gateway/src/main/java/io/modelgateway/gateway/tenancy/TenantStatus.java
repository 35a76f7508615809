package io.modelgateway.gateway.tenancy;

import java.util.Optional;

/** A suspended tenant's calls are refused at once (403), whatever credential they use. */
public enum TenantStatus {
    ACTIVE,
    SUSPENDED;

    public String value() {
        return name().toLowerCase();
    }

    public static Optional<TenantStatus> parse(String value) {
        for (TenantStatus s : values()) {
            if (s.value().equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
