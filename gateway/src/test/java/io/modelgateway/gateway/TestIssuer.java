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
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::tokenEndpoint);
        server.start();
    }

    /** A pending authorization code: what the token request must match, and whom it signs in. */
    private record Pending(String challenge, String redirectUri, String clientId, Map<String, Object> claims) {}

    private final Map<String, Pending> codes = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Map<String, Object> signInClaims = Map.of();

    /** The claims of the next users the authorization endpoint signs in (it asks nothing: a test user). */
    public void signInAs(Map<String, Object> claims) {
        this.signInClaims = Map.copyOf(claims);
    }

    public String authorizationUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/authorize";
    }

    public String tokenUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** Authorization code flow with PKCE: only S256 challenges; redirects back with a code and the state. */
    private void authorize(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        Map<String, String> q = form(exchange.getRequestURI().getRawQuery());
        if (!"code".equals(q.get("response_type"))
                || !"S256".equals(q.get("code_challenge_method"))
                || q.get("code_challenge") == null
                || q.get("redirect_uri") == null) {
            reply(exchange, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        String code = java.util.UUID.randomUUID().toString();
        codes.put(code, new Pending(q.get("code_challenge"), q.get("redirect_uri"), q.get("client_id"), signInClaims));
        exchange.getResponseHeaders()
                .set(
                        "Location",
                        q.get("redirect_uri") + "?code=" + code + "&state="
                                + java.net.URLEncoder.encode(q.getOrDefault("state", ""), StandardCharsets.UTF_8));
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    /** The code, once, for a verifier matching its challenge, the same redirect URI and client. */
    private void tokenEndpoint(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        Map<String, String> f = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Pending p = f.get("code") == null ? null : codes.remove(f.get("code"));
        if (p == null
                || !"authorization_code".equals(f.get("grant_type"))
                || !p.redirectUri().equals(f.get("redirect_uri"))
                || !java.util.Objects.equals(p.clientId(), f.get("client_id"))
                || f.get("code_verifier") == null
                || !p.challenge().equals(s256(f.get("code_verifier")))) {
            reply(exchange, 400, "{\"error\":\"invalid_grant\"}");
            return;
        }
        String token = token(p.claims());
        reply(
                exchange,
                200,
                "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"id_token\":\"" + token + "\"}");
    }

    private static String s256(String verifier) {
        try {
            return java.util.Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> values = new java.util.HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    values.put(
                            java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, String json)
            throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
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

    private String sign(
            RSAKey signer, String keyId, Map<String, Object> claims, Consumer<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .issuer(issuer())
                .audience(AUDIENCE)
                .subject("user-1")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
        claims.forEach(b::claim);
        change.accept(b);
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(), b.build());
            jwt.sign(new RSASSASigner(signer));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
