package io.modelgateway.gateway.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.modelgateway.gateway.tenancy.ApiKey;
import io.modelgateway.gateway.tenancy.IssuedKey;
import io.modelgateway.gateway.tenancy.Scope;
import io.modelgateway.gateway.tenancy.Tenant;
import java.time.Instant;
import java.util.List;

/** What the admin API returns. Times are Unix seconds, as in OpenAI's APIs. Keys never carry a hash. */
final class Views {

    private Views() {}

    record TenantView(String object, String id, String name, String status, List<String> deployments,
            long createdAt, long updatedAt) {

        static TenantView of(Tenant t) {
            return new TenantView("tenant", t.id(), t.name(), t.status().value(),
                    t.deployments().stream().sorted().toList(), seconds(t.createdAt()), seconds(t.updatedAt()));
        }
    }

    /** @param key the full key: only in the create and rotate responses, never again */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    record KeyView(String object, String id, String tenantId, String name, String lastFour, String redactedValue,
            List<String> scopes, long createdAt, Long expiresAt, Long revokedAt, Long lastUsedAt, String key) {

        static KeyView of(ApiKey k) {
            return of(k, null);
        }

        static KeyView of(IssuedKey issued) {
            return of(issued.key(), issued.secret());
        }

        private static KeyView of(ApiKey k, String secret) {
            return new KeyView("api_key", k.id(), k.tenantId(), k.name(), k.lastFour(), k.redactedValue(),
                    k.scopes().stream().map(Scope::value).sorted().toList(), seconds(k.createdAt()),
                    nullable(k.expiresAt()), nullable(k.revokedAt()), nullable(k.lastUsedAt()), secret);
        }
    }

    record DeploymentView(String object, String id, String kind, List<String> tenants) {}

    static long seconds(Instant at) {
        return at.getEpochSecond();
    }

    static Long nullable(Instant at) {
        return at == null ? null : at.getEpochSecond();
    }
}
