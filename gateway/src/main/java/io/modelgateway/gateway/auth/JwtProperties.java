package io.modelgateway.gateway.auth;

import io.modelgateway.gateway.tenancy.Scope;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * OAuth2/OIDC bearer JWTs ({@code gateway.jwt.*}). With no issuers, every JWT is refused (401). Deny by
 * default: a token gets only the scopes an entry of {@code scope-mappings} gives it (none without one), may
 * name only the tenants its issuer is bound to, and must carry {@code exp}.
 *
 * @param issuers the trusted issuers, each with its JWKS URI, accepted audiences and the tenants it may name
 * @param tenantClaim the claim naming the tenant (a tenant id); a token without it is a platform token, which
 *        only an issuer with {@code platform: true} may issue
 * @param scopeMappings which claim value gives which gateway scope; no raw claim value is ever a scope by
 *        itself. Platform scopes ({@code admin}, {@code finance}) are given only to platform tokens.
 * @param clockSkew tolerance on {@code exp} and {@code nbf}
 * @param jwksCacheTtl how long an issuer's fetched key set is used before it is fetched again
 * @param jwksMinRefreshInterval a token with an unknown key id refreshes the key set at most twice per interval
 *        (Nimbus's rate limit); others in between are refused (401) without a fetch
 */
@Validated
@ConfigurationProperties("gateway.jwt")
public record JwtProperties(
        @DefaultValue List<@Valid Issuer> issuers,
        @DefaultValue("tid") @NotBlank String tenantClaim,
        @DefaultValue List<@Valid ScopeMapping> scopeMappings,
        @DefaultValue("60s") @NotNull Duration clockSkew,
        @DefaultValue("5m") @NotNull Duration jwksCacheTtl,
        @DefaultValue("30s") @NotNull Duration jwksMinRefreshInterval) {

    public JwtProperties {
        Set<String> seen = new HashSet<>();
        for (Issuer i : issuers) {
            if (!seen.add(i.issuer())) {
                throw new IllegalArgumentException("gateway.jwt.issuers: '" + i.issuer() + "' is listed twice");
            }
        }
        if (jwksMinRefreshInterval.isNegative() || jwksCacheTtl.compareTo(jwksMinRefreshInterval) <= 0) {
            throw new IllegalArgumentException(
                    "gateway.jwt.jwks-cache-ttl must be longer than gateway.jwt.jwks-min-refresh-interval");
        }
    }

    /**
     * @param issuer the exact {@code iss} value
     * @param jwksUri where its signing keys are published
     * @param audiences accepted {@code aud} values (one must match)
     * @param tenants the tenants its tokens may name: tenant ids, or a prefix ending in {@code *}
     *        ({@code acme-*}); a token naming any other tenant is refused (401)
     * @param platform whether it may issue platform tokens (no tenant claim): for the operator's own identity
     *        provider only
     */
    public record Issuer(
            @NotBlank String issuer,
            @NotBlank String jwksUri,
            @NotEmpty List<String> audiences,
            @DefaultValue List<String> tenants,
            @DefaultValue("false") boolean platform) {

        public Issuer {
            tenants = List.copyOf(tenants);
            if (tenants.isEmpty() && !platform) {
                throw new IllegalArgumentException("gateway.jwt.issuers: '" + issuer + "' may name no tenant and "
                        + "issue no platform token: list its tenants, or set platform: true");
            }
            for (String t : tenants) {
                if (t == null
                        || t.isBlank()
                        || t.equals("*")
                        || t.indexOf('*') >= 0 && t.indexOf('*') < t.length() - 1) {
                    throw new IllegalArgumentException("gateway.jwt.issuers: '" + issuer + "': tenant '" + t
                            + "' must be a tenant id or a non-empty prefix ending in *");
                }
            }
        }

        /** Whether this issuer may name {@code tenant} ({@code null}: a platform token). */
        public boolean mayName(String tenant) {
            if (tenant == null) {
                return platform;
            }
            for (String t : tenants) {
                boolean match = t.endsWith("*") ? tenant.startsWith(t.substring(0, t.length() - 1)) : tenant.equals(t);
                if (match) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * One claim value that gives one gateway scope.
     *
     * @param claim the claim ({@code scope}, {@code scp}, {@code roles}, ...); its value is a space-separated
     *        string or a list
     * @param value the value in that claim
     * @param scope the gateway scope it gives: {@code inference}, {@code usage.read}, or (platform tokens only)
     *        {@code finance}, {@code admin}
     */
    public record ScopeMapping(
            @NotBlank String claim,
            @NotBlank String value,
            @NotBlank String scope) {

        public ScopeMapping {
            if (scope != null && Scope.parse(scope).isEmpty()) {
                throw new IllegalArgumentException("gateway.jwt.scope-mappings: '" + scope
                        + "' is not a gateway scope (inference, usage.read, finance, admin)");
            }
        }

        Scope gatewayScope() {
            return Scope.parse(scope).orElseThrow();
        }
    }
}
