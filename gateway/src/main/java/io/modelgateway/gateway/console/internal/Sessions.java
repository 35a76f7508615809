package io.modelgateway.gateway.console.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import reactor.core.publisher.Mono;

/**
 * Console sessions: a session ends when signed out, after {@link #IDLE} without a request, or {@link #MAX} after
 * sign-in (sooner when its credential is a JWT that expires sooner). They live in a {@link SessionStore}: shared by the replicas (Redis or the database, encrypted), so a
 * browser may reach any replica and a sign-out on one ends the session on all; or in this replica's memory
 * when it runs alone. A request refreshes the idle timer at most once per {@link #TOUCH}, so most requests only
 * read the store.
 */
public final class Sessions {

    static final Duration IDLE = Duration.ofMinutes(30);
    static final Duration MAX = Duration.ofHours(12);
    static final Duration TOUCH = Duration.ofMinutes(1);

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final SessionStore store;

    public Sessions(Clock clock, SessionStore store) {
        this.clock = clock;
        this.store = store;
    }

    public String describe() {
        return store.describe();
    }

    Mono<Session> open(String key, String credentialId, Role role, String tenant) {
        return open(key, credentialId, role, tenant, null);
    }

    /** A session that also ends at {@code expires} (a JWT's expiry), if that comes before {@link #MAX}. */
    Mono<Session> open(String key, String credentialId, Role role, String tenant, Instant expires) {
        Instant now = clock.instant();
        Instant max = now.plus(MAX);
        Instant notAfter = expires != null && expires.isBefore(max) ? expires : max;
        Session s = new Session(token(), key, credentialId, role, tenant, token(), now, now, notAfter);
        return store.save(s, ttl(s, now)).thenReturn(s);
    }

    /** The live session with this id (its idle timer refreshed), or empty. */
    Mono<Session> find(String id) {
        if (id == null || id.isBlank()) {
            return Mono.empty();
        }
        return store.find(id).flatMap(s -> {
            Instant now = clock.instant();
            if (expired(s, now)) {
                return store.delete(id).then(Mono.empty());
            }
            if (Duration.between(s.lastSeen(), now).compareTo(TOUCH) < 0) {
                return Mono.just(s);
            }
            Session touched = s.touched(now);
            return store.save(touched, ttl(touched, now)).thenReturn(touched);
        });
    }

    Mono<Void> close(String id) {
        return id == null || id.isBlank() ? Mono.empty() : store.delete(id);
    }

    /** 256 random bits, URL-safe. */
    String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static boolean same(String expected, String presented) {
        return presented != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    /** How long the store keeps it: until it would go idle, never past its maximum age. */
    private static Duration ttl(Session s, Instant now) {
        Duration left = Duration.between(now, s.notAfter());
        return left.compareTo(IDLE) < 0 ? left : IDLE;
    }

    private static boolean expired(Session s, Instant now) {
        return now.isAfter(s.lastSeen().plus(IDLE)) || now.isAfter(s.notAfter());
    }
}
