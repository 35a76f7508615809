package io.modelgateway.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.tenancy.Credential;
import io.modelgateway.gateway.tenancy.Scope;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessTest {

    private static Credential tenant(Scope... scopes) {
        return new Credential("k", "acme", "k", scopes.length == 0 ? Set.of() : EnumSet.of(scopes[0], scopes));
    }

    private static Credential platform(Scope... scopes) {
        return new Credential("k", null, "k", scopes.length == 0 ? Set.of() : EnumSet.of(scopes[0], scopes));
    }

    private static boolean admits(Access access, Credential c) {
        return access.refusal(c) == null;
    }

    @Test
    void whoPassesWhichAccess() {
        assertThat(admits(Access.INFERENCE, tenant(Scope.INFERENCE))).isTrue();
        assertThat(admits(Access.INFERENCE, tenant(Scope.USAGE_READ))).isFalse();
        assertThat(admits(Access.INFERENCE, platform(Scope.ADMIN, Scope.FINANCE, Scope.INFERENCE)))
                .isFalse();

        assertThat(admits(Access.TENANT_USAGE, tenant(Scope.USAGE_READ))).isTrue();
        assertThat(admits(Access.TENANT_USAGE, tenant(Scope.INFERENCE))).isFalse();
        assertThat(admits(Access.TENANT_USAGE, platform(Scope.FINANCE))).isTrue();
        assertThat(admits(Access.TENANT_USAGE, platform(Scope.ADMIN))).isTrue();
        assertThat(admits(Access.TENANT_USAGE, platform(Scope.USAGE_READ))).isFalse();

        assertThat(admits(Access.FINANCE, platform(Scope.FINANCE))).isTrue();
        assertThat(admits(Access.FINANCE, platform(Scope.ADMIN))).isTrue();
        assertThat(admits(Access.FINANCE, tenant(Scope.USAGE_READ, Scope.FINANCE)))
                .isFalse();

        assertThat(admits(Access.ADMIN, platform(Scope.ADMIN))).isTrue();
        assertThat(admits(Access.ADMIN, platform(Scope.FINANCE))).isFalse();
        // platform scopes count only on platform credentials (a tenant JWT claiming admin, say)
        assertThat(admits(Access.ADMIN, tenant(Scope.ADMIN, Scope.INFERENCE))).isFalse();

        assertThat(admits(Access.PUBLIC, tenant())).isTrue();
        assertThat(Access.ADMIN.refusal(tenant(Scope.ADMIN)).getMessage()).contains("'admin'");
    }
}
