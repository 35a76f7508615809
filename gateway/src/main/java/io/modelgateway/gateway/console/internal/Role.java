package io.modelgateway.gateway.console.internal;

import io.modelgateway.gateway.tenancy.Credential;
import io.modelgateway.gateway.tenancy.Scope;

/** What a signed-in credential is, for the pages it is offered (the APIs still decide what it may see). */
public enum Role {
    ADMIN("admin"),
    FINANCE("finance"),
    TENANT("tenant");

    private final String label;

    Role(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean platform() {
        return this != TENANT;
    }

    /** The role of a verified credential, or {@code null} when it may not use the console. */
    static Role of(Credential c) {
        if (c.tenantId() == null) {
            return c.has(Scope.ADMIN) ? ADMIN : c.has(Scope.FINANCE) ? FINANCE : null;
        }
        return c.has(Scope.USAGE_READ) ? TENANT : null;
    }
}
