package io.modelgateway.gateway.console.internal;

import java.time.Instant;

/**
 * A signed-in console user, held in a {@link SessionStore} (encrypted when shared). The key stays on the server: the browser
 * holds only the random session id (in an HttpOnly cookie) and the CSRF token (in the forms).
 *
 * @param key the credential the pages call the APIs with: an API key, or a JWT from the OIDC sign-in
 * @param tenant the tenant of a tenant key, {@code null} for a platform credential
 * @param notAfter when the session ends however busy: 12 hours after sign-in, or when its JWT expires
 */
public record Session(
        String id,
        String key,
        String credentialId,
        Role role,
        String tenant,
        String csrf,
        Instant created,
        Instant lastSeen,
        Instant notAfter) {

    Session touched(Instant now) {
        return new Session(id, key, credentialId, role, tenant, csrf, created, now, notAfter);
    }

    @Override
    public String toString() {
        return "Session[" + credentialId + ", " + role + "]"; // never the key
    }
}
