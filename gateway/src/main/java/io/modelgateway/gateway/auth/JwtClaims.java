package io.modelgateway.gateway.auth;

import io.modelgateway.gateway.tenancy.Credential;
import io.modelgateway.gateway.tenancy.Scope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.security.oauth2.jwt.Jwt;

/** Maps a validated JWT's claims to a {@link Credential}: tenant from the configured claim, scopes mapped. */
final class JwtClaims {

    /** Longest credential id (usage_record.api_key_id holds 200). */
    static final int MAX_ID_LENGTH = 128;

    private final JwtProperties properties;

    JwtClaims(JwtProperties properties) {
        this.properties = properties;
    }

    Credential credential(Jwt jwt) {
        String tenant = jwt.getClaimAsString(properties.tenantClaim());
        String subject = jwt.getSubject() == null ? "jwt" : jwt.getSubject();
        return new Credential(credentialId(subject), tenant == null || tenant.isBlank() ? null : tenant, subject,
                scopes(jwt));
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
