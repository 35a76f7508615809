package io.modelgateway.gateway.tenancy.internal;

import io.modelgateway.gateway.config.GatewayProperties.ApiKeyProperties;
import io.modelgateway.gateway.tenancy.ApiKey;
import io.modelgateway.gateway.tenancy.Keys;
import io.modelgateway.gateway.tenancy.Scope;
import io.modelgateway.gateway.tenancy.Tenant;
import io.modelgateway.gateway.tenancy.TenantStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default's demo tenant (allowed on all deployments) and its key, so the README's examples
 * work on first start. The key comes from {@code GATEWAY_DEMO_API_KEY}, or is generated and printed; its
 * hash replaces the stored one on every start (a revoked demo key stays revoked).
 */
final class EmbeddedDefaults {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDefaults.class);
    static final String DEMO_KEY_ID = "key_demo";
    /** Ids of keys from configuration: never stored, so their last use is not recorded either. */
    static final String CONFIGURED_PREFIX = "key_cfg_";

    static final String ADMIN_KEY_ID = CONFIGURED_PREFIX + "admin";

    private EmbeddedDefaults() {}

    static void seedDemo(TenancyRepository repository, String tenantId, @Nullable String configuredKey, Clock clock) {
        String key = configuredKey;
        if (key == null || key.isBlank()) {
            key = Keys.generate("sk-demo-");
            // Printed once so the README's examples work; set GATEWAY_DEMO_API_KEY to choose it.
            System.out.println("Generated demo API key (set GATEWAY_DEMO_API_KEY to fix it): " + key);
        }
        String secret = key.trim();
        repository.inTransaction(() -> {
            Instant now = clock.instant();
            if (repository.tenant(tenantId).isEmpty()) {
                repository.insertTenant(new Tenant(
                        tenantId, "Demo tenant", TenantStatus.ACTIVE, Set.of(Tenant.ALL_DEPLOYMENTS), now, now));
            }
            if (repository.key(DEMO_KEY_ID).isPresent()) {
                repository.replaceHash(DEMO_KEY_ID, Keys.sha256Hex(secret), Keys.lastFour(secret));
            } else {
                repository.insertKey(
                        new ApiKey(
                                DEMO_KEY_ID,
                                tenantId,
                                "demo",
                                Keys.lastFour(secret),
                                Scope.tenantDefaults(),
                                now,
                                null,
                                null,
                                null),
                        Keys.sha256Hex(secret));
            }
            return null;
        });
        log.info("demo tenant '{}' is enabled", tenantId);
    }

    /** Keys from {@code gateway.api-keys}: in memory only, with the tenant scopes. */
    static List<TenancyCache.Entry> configuredKeys(List<ApiKeyProperties> keys) {
        return keys.stream()
                .map(k -> TenancyCache.entry(
                        hashOf(k),
                        new ApiKey(
                                CONFIGURED_PREFIX + k.name(),
                                k.tenant(),
                                k.name(),
                                "",
                                Scope.tenantDefaults(),
                                Instant.EPOCH,
                                null,
                                null,
                                null)))
                .toList();
    }

    private static String hashOf(ApiKeyProperties k) {
        if (k.sha256() != null && !k.sha256().isBlank()) {
            return k.sha256().trim().toLowerCase();
        }
        if (k.key() != null && !k.key().isBlank()) {
            return Keys.sha256Hex(k.key().trim());
        }
        throw new IllegalArgumentException("gateway.api-keys: key '" + k.name() + "' needs sha256 or key");
    }

    /** Creates the tenants configured keys name, when missing (allowed on all deployments). */
    static void seedTenantsOf(TenancyRepository repository, List<ApiKeyProperties> keys, Clock clock) {
        for (String tenantId :
                keys.stream().map(ApiKeyProperties::tenant).distinct().toList()) {
            repository.inTransaction(() -> {
                if (repository.tenant(tenantId).isEmpty()) {
                    Instant now = clock.instant();
                    repository.insertTenant(new Tenant(
                            tenantId, tenantId, TenantStatus.ACTIVE, Set.of(Tenant.ALL_DEPLOYMENTS), now, now));
                }
                return null;
            });
        }
    }

    /** The platform admin key from {@code GATEWAY_ADMIN_API_KEY}: held in memory only, never stored. */
    static List<TenancyCache.Entry> adminKey(@Nullable String configured) {
        if (configured == null || configured.isBlank()) {
            return List.of();
        }
        String secret = configured.trim();
        ApiKey k = new ApiKey(
                ADMIN_KEY_ID,
                null,
                "GATEWAY_ADMIN_API_KEY",
                Keys.lastFour(secret),
                EnumSet.of(Scope.ADMIN, Scope.FINANCE),
                Instant.EPOCH,
                null,
                null,
                null);
        return List.of(TenancyCache.entry(Keys.sha256Hex(secret), k));
    }
}
