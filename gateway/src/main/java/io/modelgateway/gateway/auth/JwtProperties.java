package io.modelgateway.gateway.auth;

import io.modelgateway.gateway.tenancy.Scope;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * OAuth2/OIDC bearer JWTs ({@code gateway.jwt.*}). With no issuers, every JWT is refused (401).
 *
 * @param issuers the trusted issuers, each with its JWKS URI and accepted audiences
 * @param tenantClaim the claim naming the tenant (a tenant id); platform tokens may omit it
 * @param scopeClaims claims whose values (a space-separated string or a list) are scopes or roles
 * @param scopeMapping claim value to gateway scope ({@code inference}, {@code usage.read}, {@code finance},
 *        {@code admin}); values that already are gateway scopes need no entry
 * @param clockSkew tolerance on {@code exp} and {@code nbf}
 */
@Validated
@ConfigurationProperties("gateway.jwt")
public record JwtProperties(
        @DefaultValue List<@Valid Issuer> issuers,
        @DefaultValue("tid") @NotBlank String tenantClaim,
        @DefaultValue({"scope", "scp", "roles"}) List<String> scopeClaims,
        @DefaultValue Map<String, String> scopeMapping,
        @DefaultValue("60s") @NotNull Duration clockSkew) {

    public JwtProperties {
        scopeMapping.forEach((claim, scope) -> Scope.parse(scope).orElseThrow(() -> new IllegalArgumentException(
                "gateway.jwt.scope-mapping." + claim + ": '" + scope + "' is not a gateway scope")));
    }

    /**
     * @param issuer the exact {@code iss} value
     * @param jwksUri where its signing keys are published
     * @param audiences accepted {@code aud} values (one must match)
     */
    public record Issuer(@NotBlank String issuer, @NotBlank String jwksUri, @NotEmpty List<String> audiences) {}
}
