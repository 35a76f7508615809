package io.modelgateway.gateway.quota.internal;

import io.modelgateway.gateway.quota.QuotaLimits;
import io.modelgateway.gateway.quota.internal.LimitRepository.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The limits in force: each deployment's default (configured or admin-defined), overridden per tenant, plus optional limits
 * per key. Answers from an immutable snapshot swapped whole on reload; no database call per request.
 */
final class LimitBook {

    private static final String TENANT = "";

    private final String prefix;
    private final Function<String, QuotaLimits> defaults;
    private volatile Map<String, QuotaLimits> overrides = Map.of();

    /** @param defaults a deployment's default limits ({@code null} = none), read at every call */
    LimitBook(String prefix, Function<String, QuotaLimits> defaults) {
        this.prefix = prefix;
        this.defaults = defaults;
    }

    void replace(List<Row> rows) {
        Map<String, QuotaLimits> map = new HashMap<>();
        rows.forEach(r -> map.put(id(r.tenant(), r.deployment(), r.keyId()), r.limits()));
        overrides = Map.copyOf(map);
    }

    QuotaLimits defaults(String deployment) {
        QuotaLimits limits = defaults.apply(deployment);
        return limits == null ? QuotaLimits.NONE : limits;
    }

    /** The tenant's stored override on a deployment ({@link QuotaLimits#NONE} when there is none). */
    QuotaLimits override(String tenant, String deployment) {
        return overrides.getOrDefault(id(tenant, deployment, TENANT), QuotaLimits.NONE);
    }

    /** A key's stored limits on a deployment ({@link QuotaLimits#NONE} when there are none). */
    QuotaLimits keyLimits(String tenant, String deployment, String keyId) {
        return overrides.getOrDefault(id(tenant, deployment, keyId), QuotaLimits.NONE);
    }

    /** The tenant's limits in force: its override where set, else the deployment's default. */
    QuotaLimits effective(String tenant, String deployment) {
        return override(tenant, deployment).orElse(defaults(deployment));
    }

    /** The buckets a call of this tenant (and credential) on this deployment is charged to; often none. */
    List<QuotaBucket> meters(@Nullable String tenant, String deployment, @Nullable String credential) {
        if (tenant == null) {
            return List.of();
        }
        List<QuotaBucket> meters = new ArrayList<>(4);
        String scope = prefix + ":" + tenant + ":" + deployment;
        QuotaLimits own = override(tenant, deployment);
        QuotaLimits limits = own.orElse(defaults(deployment));
        if (limits.rpm() != null) {
            meters.add(QuotaBucket.of(
                    scope,
                    QuotaBucket.Kind.REQUESTS,
                    limits.rpm(),
                    own.rpm() != null ? QuotaBucket.TENANT : QuotaBucket.DEPLOYMENT));
        }
        if (limits.tpm() != null) {
            meters.add(QuotaBucket.of(
                    scope,
                    QuotaBucket.Kind.TOKENS,
                    limits.tpm(),
                    own.tpm() != null ? QuotaBucket.TENANT : QuotaBucket.DEPLOYMENT));
        }
        if (credential != null && !overrides.isEmpty()) {
            QuotaLimits key = keyLimits(tenant, deployment, credential);
            String keyScope = scope + ":key:" + credential;
            if (key.rpm() != null) {
                meters.add(QuotaBucket.of(keyScope, QuotaBucket.Kind.REQUESTS, key.rpm(), QuotaBucket.KEY));
            }
            if (key.tpm() != null) {
                meters.add(QuotaBucket.of(keyScope, QuotaBucket.Kind.TOKENS, key.tpm(), QuotaBucket.KEY));
            }
        }
        return meters;
    }

    private static String id(String tenant, String deployment, String keyId) {
        return tenant + '\u0000' + deployment + '\u0000' + keyId;
    }
}
