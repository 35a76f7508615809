package io.modelgateway.gateway.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class CredentialTest {

    @Test
    void aTenantCredentialNeverHoldsAPlatformScope() {
        Credential tenant = new Credential("k", "acme", "k", EnumSet.allOf(Scope.class));
        assertThat(tenant.scopes()).containsExactlyInAnyOrder(Scope.INFERENCE, Scope.USAGE_READ);
        assertThat(tenant.has(Scope.ADMIN)).isFalse();
        assertThat(tenant.has(Scope.FINANCE)).isFalse();
    }

    @Test
    void aPlatformCredentialKeepsItsScopes() {
        Credential platform = new Credential("k", null, "k", EnumSet.of(Scope.ADMIN, Scope.FINANCE));
        assertThat(platform.scopes()).containsExactlyInAnyOrder(Scope.ADMIN, Scope.FINANCE);
        assertThat(new Credential("k", null, "k", EnumSet.noneOf(Scope.class)).scopes())
                .isEmpty();
    }
}
