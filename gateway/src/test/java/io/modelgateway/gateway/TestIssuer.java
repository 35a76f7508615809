package io.modelgateway.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A test OIDC issuer: an RSA key made here and its JWKS served by a JDK HttpServer on loopback. Tokens
 * can be signed by another key with the same key id, to test a bad signature.
 */
public final class TestIssuer {

    public static final String AUDIENCE = "model-gateway";
    /** An issuer the gateway trusts but whose JWKS endpoint nothing serves. */
    public static final String UNREACHABLE = "http://127.0.0.1:1/issuer";

    private final RSAKey key;
    private final RSAKey impostor;
    private final HttpServer server;
    private final AtomicInteger fetches = new AtomicInteger();

    public TestIssuer() {
        try {
            this.key = new RSAKeyGenerator(2048).keyID("test-key").generate();
            this.impostor = new RSAKeyGenerator(2048).keyID("test-key").generate();
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        server.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        server.start();
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/issuer";
    }

    public String jwksUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
    }

    /** How often the JWKS was fetched so far. */
    public int jwksFetches() {
        return fetches.get();
    }

    /** A valid token with these claims (plus iss, aud, sub, iat, exp); {@code change} may alter it. */
    public String token(Map<String, Object> claims, Consumer<JWTClaimsSet.Builder> change) {
        return sign(key, claims, change);
    }

    public String token(Map<String, Object> claims) {
        return token(claims, b -> {});
    }

    /** Same claims, signed by a key the JWKS does not have (but with the same key id). */
    public String forged(Map<String, Object> claims) {
        return sign(impostor, claims, b -> {});
    }

    /** Signed by this issuer's key, but naming a key id its JWKS does not have. */
    public String withKeyId(String keyId, Map<String, Object> claims) {
        return sign(key, keyId, claims, b -> {});
    }

    private String sign(RSAKey signer, Map<String, Object> claims, Consumer<JWTClaimsSet.Builder> change) {
        return sign(signer, signer.getKeyID(), claims, change);
    }

    private String sign(RSAKey signer, String keyId, Map<String, Object> claims, Consumer<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .issuer(issuer()).audience(AUDIENCE).subject("user-1")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
        claims.forEach(b::claim);
        change.accept(b);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(),
                    b.build());
            jwt.sign(new RSASSASigner(signer));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
