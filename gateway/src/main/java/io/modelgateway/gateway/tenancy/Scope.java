package io.modelgateway.gateway.tenancy;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a credential may do. {@link #INFERENCE} and {@link #USAGE_READ} belong to a tenant's keys;
 * {@link #FINANCE} and {@link #ADMIN} are platform scopes, held by keys that belong to no tenant.
 */
public enum Scope {
    INFERENCE("inference"),
    USAGE_READ("usage.read"),
    FINANCE("finance"),
    ADMIN("admin");

    private final String value;

    Scope(String value) {
        this.value = value;
    }

    /** The name used in JSON, in the database and in JWT claims. */
    public String value() {
        return value;
    }

    public boolean platform() {
        return this == FINANCE || this == ADMIN;
    }

    public static Optional<Scope> parse(String value) {
        for (Scope s : values()) {
            if (s.value.equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The tenant scopes, given to a tenant key when none are asked for. */
    public static Set<Scope> tenantDefaults() {
        return EnumSet.of(INFERENCE, USAGE_READ);
    }
}
