package io.modelgateway.gateway.auth;

import io.modelgateway.gateway.tenancy.Credential;
import io.modelgateway.gateway.tenancy.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Maps a validated JWT's claims to a {@link Credential}: the tenant from the configured claim, scopes only
 * through the configured mappings, platform scopes only for platform tokens (no tenant).
 */
final class JwtClaims {

    /** Longest credential id (usage_record.api_key_id holds 200). */
    static final int MAX_ID_LENGTH = 128;

    private final JwtProperties properties;

    JwtClaims(JwtProperties properties) {
        this.properties = properties;
    }

    /** The tenant the token names, or {@code null} for a platform token. */
    String tenant(Jwt jwt) {
        String tenant = jwt.getClaimAsString(properties.tenantClaim());
        return tenant == null || tenant.isBlank() ? null : tenant;
    }

    Credential credential(Jwt jwt) {
        String tenant = tenant(jwt);
        String subject = jwt.getSubject() == null ? "jwt" : jwt.getSubject();
        return new Credential(credentialId(subject), tenant, subject, scopes(jwt, tenant != null));
    }

    /**
     * The credential id of a subject, bounded: it keys usage records ({@code api_key_id}), rollups and per-key
     * limits. A subject too long keeps a readable prefix and gains a hash of the whole, the same every time.
     */
    static String credentialId(String subject) {
        String id = "jwt:" + subject;
        if (id.length() <= MAX_ID_LENGTH) {
            return id;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(subject.getBytes(StandardCharsets.UTF_8));
            return id.substring(0, MAX_ID_LENGTH - 33) + "~" + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }

    private Set<Scope> scopes(Jwt jwt, boolean tenantToken) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (JwtProperties.ScopeMapping m : properties.scopeMappings()) {
            Scope scope = m.gatewayScope();
            if (!(tenantToken && scope.platform()) && has(jwt.getClaims().get(m.claim()), m.value())) {
                scopes.add(scope);
            }
        }
        return scopes;
    }

    private static boolean has(Object claim, String value) {
        if (claim instanceof String s) {
            for (String v : s.trim().split("\\s+")) {
                if (v.equals(value)) {
                    return true;
                }
            }
        } else if (claim instanceof Collection<?> c) {
            return c.stream().anyMatch(v -> value.equals(String.valueOf(v)));
        }
        return false;
    }

    /** Refuses a token naming a tenant its issuer is not bound to, or a platform token from a tenant issuer. */
    OAuth2TokenValidator<Jwt> boundTo(JwtProperties.Issuer issuer) {
        return jwt -> issuer.mayName(tenant(jwt))
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(
                        new OAuth2Error("invalid_token", "the issuer may not name this tenant", null));
    }
}
