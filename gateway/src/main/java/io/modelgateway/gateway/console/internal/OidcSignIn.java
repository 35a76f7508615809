package io.modelgateway.gateway.console.internal;

import io.modelgateway.gateway.auth.JwtVerifier;
import io.modelgateway.gateway.console.ConsoleProperties;
import io.modelgateway.gateway.tenancy.KeyCheck;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Sign-in with the configured OpenID Connect provider: the authorization code flow with PKCE (S256). The start
 * puts a random state and code verifier in a short-lived {@code HttpOnly} cookie for the callback path
 * ({@code SameSite=Lax}: the provider's redirect back is a cross-site navigation) and sends the browser to the
 * provider; the callback checks the state, exchanges the code with the verifier, and checks the token it gets
 * (the access token, else the ID token) exactly as the API checks a bearer JWT ({@link JwtVerifier}, then the
 * tenant as the gate checks it). The token then serves as the session's credential, and the session ends when
 * it expires.
 */
public final class OidcSignIn {

    static final String COOKIE = "console_oidc";
    private static final String CALLBACK = "/console/oidc/callback";

    private final ConsoleProperties.Oidc oidc;
    private final JwtVerifier verifier;
    private final Tenancy tenancy;
    private final Sessions sessions;
    private final WebClient client = WebClient.create();

    public OidcSignIn(ConsoleProperties.Oidc oidc, JwtVerifier verifier, Tenancy tenancy, Sessions sessions) {
        this.oidc = oidc;
        this.verifier = verifier;
        this.tenancy = tenancy;
        this.sessions = sessions;
    }

    public Mono<ServerResponse> start(ServerRequest req) {
        String state = sessions.token();
        String verifier = sessions.token();
        URI to = UriComponentsBuilder.fromUriString(oidc.authorizationUri())
                .queryParam("response_type", "code")
                .queryParam("client_id", oidc.clientId())
                .queryParam("redirect_uri", redirectUri(req))
                .queryParam("scope", oidc.scope())
                .queryParam("state", state)
                .queryParam("code_challenge", challenge(verifier))
                .queryParam("code_challenge_method", "S256")
                .encode()
                .build()
                .toUri();
        return ServerResponse.seeOther(to)
                .cookie(cookie(req, state + "." + verifier, Duration.ofMinutes(10)))
                .build();
    }

    public Mono<ServerResponse> callback(ServerRequest req) {
        String pending = Guard.cookie(req, COOKIE);
        String state = req.queryParam("state").orElse(null);
        String code = req.queryParam("code").orElse(null);
        if (pending == null
                || !pending.contains(".")
                || code == null
                || !Sessions.same(pending.substring(0, pending.indexOf('.')), state)) {
            return Html.refused(
                    HttpStatus.FORBIDDEN, "The sign-in could not be matched to this browser. Start it again.");
        }
        String verifier = pending.substring(pending.indexOf('.') + 1);
        return exchange(req, code, verifier)
                .flatMap(token -> this.verifier.verify(token).map(c -> new Verified(token, tenancy.checkTenant(c))))
                .flatMap(v -> signIn(req, v))
                .onErrorResume(e -> Html.refused(
                        HttpStatus.UNAUTHORIZED, "The provider's token was not accepted: " + e.getMessage()));
    }

    private record Verified(String token, KeyCheck check) {}

    private Mono<ServerResponse> signIn(ServerRequest req, Verified v) {
        if (!v.check().ok()) {
            return Html.refused(
                    HttpStatus.UNAUTHORIZED,
                    "The token is not valid here (" + v.check().outcome().name().toLowerCase(java.util.Locale.ROOT)
                            + ").");
        }
        Role role = Role.of(v.check().credential());
        if (role == null) {
            return Html.refused(
                    HttpStatus.FORBIDDEN,
                    "That identity may not read usage: the console needs an admin, finance or usage.read scope.");
        }
        // The provider's redirect was a cross-site navigation, which carries no SameSite=Strict cookie, also
        // not on a redirect from here: the page links on with a same-site navigation instead.
        return sessions.open(
                        v.token(),
                        v.check().credential().id(),
                        role,
                        v.check().credential().tenantId(),
                        expiry(v.token()))
                .flatMap(s -> ServerResponse.ok()
                        .contentType(MediaType.parseMediaType("text/html;charset=UTF-8"))
                        .cookie(Guard.cookie(
                                req, Guard.SESSION_COOKIE, s.id(), Duration.between(s.created(), s.notAfter())))
                        .cookie(cookie(req, "", Duration.ZERO))
                        .headers(h -> h.set("Refresh", "0; url=/console/overview"))
                        .bodyValue(Html.page(
                                "Signed in",
                                null,
                                "<p class=\"card narrow\">Signed in. "
                                        + "<a id=\"continue\" href=\"/console/overview\">Continue to the overview</a></p>",
                                false)));
    }

    /** The token endpoint's answer to the code: its access token, else its ID token. */
    private Mono<String> exchange(ServerRequest req, String code, String verifier) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("grant_type", "authorization_code");
        form.add("code", code);
        form.add("redirect_uri", redirectUri(req));
        form.add("client_id", oidc.clientId());
        form.add("code_verifier", verifier);
        if (!oidc.clientSecret().isBlank()) {
            form.add("client_secret", oidc.clientSecret());
        }
        return client.post()
                .uri(oidc.tokenUri())
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .accept(MediaType.APPLICATION_JSON)
                .body(BodyInserters.fromFormData(form))
                .retrieve()
                .bodyToMono(String.class)
                .timeout(Duration.ofSeconds(30))
                .map(body -> {
                    JsonNode json = GatewayApi.JSON.readTree(body);
                    JsonNode token = json.hasNonNull("access_token") ? json.get("access_token") : json.get("id_token");
                    if (token == null || token.isNull()) {
                        throw new IllegalStateException("the token endpoint sent no token");
                    }
                    return token.asString();
                });
    }

    /** The token's {@code exp} (the verifier required it). */
    private static java.time.Instant expiry(String token) {
        try {
            return com.nimbusds.jwt.JWTParser.parse(token)
                    .getJWTClaimsSet()
                    .getExpirationTime()
                    .toInstant();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private String redirectUri(ServerRequest req) {
        if (!oidc.redirectUri().isBlank()) {
            return oidc.redirectUri();
        }
        URI u = req.uri();
        return u.getScheme() + "://" + u.getRawAuthority() + CALLBACK;
    }

    private static ResponseCookie cookie(ServerRequest req, String value, Duration maxAge) {
        return ResponseCookie.from(COOKIE, value)
                .path(CALLBACK)
                .httpOnly(true)
                .sameSite("Lax")
                .secure(Guard.secure(req))
                .maxAge(maxAge)
                .build();
    }

    static String challenge(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
