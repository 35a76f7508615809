package io.modelgateway.gateway.console.internal;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Console sessions in memory: a session ends when signed out, after {@link #IDLE} without a request, or
 * {@link #MAX} after sign-in. Sessions belong to the replica that opened them (behind several replicas, the
 * ingress keeps a browser on one replica, or the user signs in again).
 */
public final class Sessions {

    static final Duration IDLE = Duration.ofMinutes(30);
    static final Duration MAX = Duration.ofHours(12);

    private final Map<String, Session> byId = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    public Sessions(Clock clock) {
        this.clock = clock;
    }

    Session open(String key, String credentialId, Role role, String tenant) {
        Instant now = clock.instant();
        byId.values().removeIf(s -> expired(s, now));
        Session s = new Session(token(), key, credentialId, role, tenant, token(), now, now);
        byId.put(s.id(), s);
        return s;
    }

    Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Session s = byId.computeIfPresent(id, (k, v) -> expired(v, now) ? null : v.touched(now));
        return Optional.ofNullable(s);
    }

    void close(String id) {
        if (id != null) {
            byId.remove(id);
        }
    }

    /** 256 random bits, URL-safe. */
    String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static boolean same(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean expired(Session s, Instant now) {
        return now.isAfter(s.lastSeen().plus(IDLE)) || now.isAfter(s.created().plus(MAX));
    }
}
