package io.modelgateway.gateway.console.internal;

import java.time.Instant;

/**
 * A signed-in console user, held in a {@link SessionStore} (encrypted when shared). The key stays on the server: the browser
 * holds only the random session id (in an HttpOnly cookie) and the CSRF token (in the forms).
 *
 * @param tenant the tenant of a tenant key, {@code null} for a platform credential
 */
public record Session(String id, String key, String credentialId, Role role, String tenant, String csrf,
        Instant created, Instant lastSeen) {

    Session touched(Instant now) {
        return new Session(id, key, credentialId, role, tenant, csrf, created, now);
    }

    @Override
    public String toString() {
        return "Session[" + credentialId + ", " + role + "]"; // never the key
    }
}
