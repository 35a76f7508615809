package io.modelgateway.gateway.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.quota.internal.MutableClock;
import io.modelgateway.gateway.tenancy.Credential;
import io.modelgateway.gateway.tenancy.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Console sessions: idle and absolute expiry on an injected clock, sign-out, unguessable ids, roles. */
class SessionsTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final Sessions sessions = new Sessions(clock, new MemorySessionStore(clock));

    @Test
    void aSessionEndsAfterThirtyIdleMinutes() {
        Session s = sessions.open("sk-secret", "key_1", Role.FINANCE, null).block();
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.find(s.id()).blockOptional()).isPresent();
        clock.advance(Duration.ofMinutes(29)); // 29 min since the last request: still on
        assertThat(sessions.find(s.id()).blockOptional()).isPresent();
        clock.advance(Duration.ofMinutes(31));
        assertThat(sessions.find(s.id()).blockOptional()).isEmpty();
    }

    @Test
    void aBusySessionStillEndsTwelveHoursAfterSignIn() {
        Session s = sessions.open("sk-secret", "key_1", Role.ADMIN, null).block();
        for (int i = 0; i < 35; i++) {
            clock.advance(Duration.ofMinutes(20));
            assertThat(sessions.find(s.id()).blockOptional()).isPresent();
        }
        clock.advance(Duration.ofMinutes(20)); // 12 h
        clock.advance(Duration.ofSeconds(1));
        assertThat(sessions.find(s.id()).blockOptional()).isEmpty();
    }

    @Test
    void aSessionOnAJwtEndsWhenTheTokenExpires() {
        Session s = sessions.open(
                        "eyJ.jwt.sig",
                        "user-1",
                        Role.TENANT,
                        "acme",
                        clock.instant().plus(Duration.ofMinutes(5)))
                .block();
        clock.advance(Duration.ofMinutes(4));
        assertThat(sessions.find(s.id()).blockOptional()).isPresent();
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(sessions.find(s.id()).blockOptional()).isEmpty();
    }

    @Test
    void signOutEndsItAndUnknownIdsFindNothing() {
        Session s = sessions.open("sk-secret", "key_1", Role.TENANT, "acme").block();
        sessions.close(s.id()).block();
        assertThat(sessions.find(s.id()).blockOptional()).isEmpty();
        assertThat(sessions.find(null).blockOptional()).isEmpty();
        assertThat(sessions.find("").blockOptional()).isEmpty();
    }

    @Test
    void idsAndCsrfTokensAreRandomAndDistinctAndNeverTheKey() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Session s = sessions.open("sk-secret", "key_1", Role.FINANCE, null).block();
            assertThat(s.id()).hasSize(43).doesNotContain("sk-secret");
            assertThat(seen.add(s.id())).isTrue();
            assertThat(seen.add(s.csrf())).isTrue();
            assertThat(s.toString()).doesNotContain("sk-secret");
        }
        assertThat(Sessions.same("abc", "abc")).isTrue();
        assertThat(Sessions.same("abc", "abd")).isFalse();
        assertThat(Sessions.same("abc", null)).isFalse();
    }

    @Test
    void onlyAdminFinanceAndUsageReadCredentialsMayUseTheConsole() {
        assertThat(Role.of(new Credential("k", null, "n", Set.of(Scope.ADMIN)))).isEqualTo(Role.ADMIN);
        assertThat(Role.of(new Credential("k", null, "n", Set.of(Scope.FINANCE))))
                .isEqualTo(Role.FINANCE);
        assertThat(Role.of(new Credential("k", "acme", "n", Set.of(Scope.USAGE_READ, Scope.INFERENCE))))
                .isEqualTo(Role.TENANT);
        assertThat(Role.of(new Credential("k", "acme", "n", Set.of(Scope.INFERENCE))))
                .isNull();
        assertThat(Role.of(new Credential("k", null, "n", Set.of()))).isNull();
    }
}
