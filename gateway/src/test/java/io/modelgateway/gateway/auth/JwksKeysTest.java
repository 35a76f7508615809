package io.modelgateway.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import io.modelgateway.gateway.TestIssuer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/** The JWKS lookup against a real loopback JWKS endpoint that counts its fetches. */
class JwksKeysTest {

    private static final TestIssuer ISSUER = new TestIssuer();

    private static SignedJWT jwt(String token) throws Exception {
        return SignedJWT.parse(token);
    }

    @Test
    void knownKeysComeFromTheCacheAndUnknownKeyIdsRefreshAtMostTwicePerInterval() throws Exception {
        JwksKeys keys =
                new JwksKeys(ISSUER.jwksUri(), Duration.ofMinutes(5), Duration.ofSeconds(30), Schedulers.immediate());
        int before = ISSUER.jwksFetches();
        SignedJWT known = jwt(ISSUER.token(Map.of()));
        assertThat(keys.apply(known).collectList().block()).hasSize(1);
        for (int i = 0; i < 200; i++) {
            SignedJWT unknown = jwt(ISSUER.withKeyId(UUID.randomUUID().toString(), Map.of()));
            assertThat(keys.apply(unknown).collectList().block())
                    .as("unknown kid %d", i)
                    .isEmpty();
            assertThat(keys.apply(known).collectList().block()).hasSize(1);
        }
        assertThat(ISSUER.jwksFetches() - before).isBetween(1, 3);
    }

    @Test
    void anUnreachableEndpointIsAnOutageEvenWhenRateLimitedNeverAnEmptyKeySet() {
        JwksKeys keys = new JwksKeys(
                "http://127.0.0.1:1/jwks.json", Duration.ofMinutes(5), Duration.ofSeconds(30), Schedulers.immediate());
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> keys.apply(jwt(ISSUER.token(Map.of())))
                            .collectList()
                            .block())
                    .as("attempt %d", i)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("could not be fetched");
        }
    }

    @Test
    void aJwksUriThatIsNoUrlStopsTheStart() {
        assertThatThrownBy(() -> new JwksKeys(
                        "not a url", Duration.ofMinutes(5), Duration.ofSeconds(30), Schedulers.immediate()))
                .hasMessageContaining("jwks-uri");
    }
}
