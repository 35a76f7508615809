package io.modelgateway.gateway.auth;

import io.modelgateway.gateway.tenancy.Credential;
import io.modelgateway.gateway.tenancy.Scope;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.security.oauth2.jwt.Jwt;

/** Maps a validated JWT's claims to a {@link Credential}: tenant from the configured claim, scopes mapped. */
final class JwtClaims {

    private final JwtProperties properties;

    JwtClaims(JwtProperties properties) {
        this.properties = properties;
    }

    Credential credential(Jwt jwt) {
        String tenant = jwt.getClaimAsString(properties.tenantClaim());
        String subject = jwt.getSubject() == null ? "jwt" : jwt.getSubject();
        return new Credential("jwt:" + subject, tenant == null || tenant.isBlank() ? null : tenant, subject,
                scopes(jwt));
    }

    private Set<Scope> scopes(Jwt jwt) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String claim : properties.scopeClaims()) {
            Object value = jwt.getClaims().get(claim);
            if (value instanceof String s) {
                for (String v : s.trim().split("\\s+")) {
                    add(scopes, v);
                }
            } else if (value instanceof Collection<?> c) {
                c.forEach(v -> add(scopes, String.valueOf(v)));
            }
        }
        return scopes;
    }

    private void add(Set<Scope> scopes, String value) {
        String mapped = properties.scopeMapping().getOrDefault(value, value);
        Scope.parse(mapped).ifPresent(scopes::add);
    }
}
