package io.modelgateway.gateway.auth;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.SignedJWT;
import java.net.MalformedURLException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * One issuer's signing keys for Spring Security's reactive decoder, from Nimbus's {@link JWKSourceBuilder}:
 * the key set is cached ({@code jwks-cache-ttl}) and a token with an unknown key id refreshes it at most twice
 * per {@code jwks-min-refresh-interval}, so tokens with made-up key ids cannot hammer the identity provider.
 * Nimbus fetches with blocking I/O: lookups run on {@code blocking}, never on an event loop.
 */
final class JwksKeys implements Function<SignedJWT, Flux<JWK>> {

    private final JWKSource<SecurityContext> source;
    private final Scheduler blocking;
    /**
     * Whether the last lookup got a key set. While it did not (never fetched, or the endpoint failed), a
     * rate-limited lookup is an outage (503), not a bad token.
     */
    private volatile boolean healthy;

    JwksKeys(String jwksUri, Duration cacheTtl, Duration minRefreshInterval, Scheduler blocking) {
        try {
            this.source = JWKSourceBuilder.create(URI.create(jwksUri).toURL())
                    .cache(cacheTtl.toMillis(), JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                    .refreshAheadCache(false)
                    .rateLimited(minRefreshInterval.toMillis())
                    .build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("gateway.jwt.issuers: jwks-uri '" + jwksUri + "' is not a URL", e);
        }
        this.blocking = blocking;
    }

    @Override
    public Flux<JWK> apply(SignedJWT jwt) {
        JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(jwt.getHeader()));
        return Mono.fromCallable(() -> keys(selector)).subscribeOn(blocking).flatMapIterable(keys -> keys);
    }

    private List<JWK> keys(JWKSelector selector) {
        try {
            List<JWK> keys = source.get(selector, null);
            healthy = true;
            return keys;
        } catch (RateLimitReachedException e) {
            if (healthy) {
                return List.of(); // an unknown key id: the token is refused (401)
            }
            throw new IllegalStateException("the issuer's key set could not be fetched", e);
        } catch (KeySourceException e) {
            // unreachable or broken JWKS endpoint: a service failure (503), not a bad token
            healthy = false;
            throw new IllegalStateException("the issuer's key set could not be fetched: " + e.getMessage(), e);
        }
    }
}
