package io.modelgateway.gateway.console.internal;

import io.modelgateway.gateway.tenancy.KeyCheck;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.net.URI;
import java.time.Duration;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Sign-in with an admin, finance or tenant {@code usage.read} key (checked as the API checks it), and
 * sign-out. The key goes into the server-side session only; the browser gets a random session id.
 */
public final class SignIn {

    private final Tenancy tenancy;
    private final Sessions sessions;

    private final boolean oidc;

    /** {@code oidc}: the form also offers the OIDC sign-in. */
    public SignIn(Tenancy tenancy, Sessions sessions, boolean oidc) {
        this.tenancy = tenancy;
        this.sessions = sessions;
        this.oidc = oidc;
    }

    public Mono<ServerResponse> home(ServerRequest req) {
        return sessions.find(Guard.cookie(req, Guard.SESSION_COOKIE))
                .hasElement()
                .flatMap(signedIn -> ServerResponse.seeOther(
                                URI.create(signedIn ? "/console/overview" : "/console/sign-in"))
                        .build());
    }

    public Mono<ServerResponse> form(ServerRequest req) {
        return form(req, HttpStatus.OK, null);
    }

    private Mono<ServerResponse> form(ServerRequest req, HttpStatus status, String problem) {
        String token = sessions.token();
        String body = Html.alert(problem)
                + "<form method=\"post\" action=\"/console/sign-in\" class=\"card narrow\">"
                + "<input type=\"hidden\" name=\"" + Guard.CSRF_FIELD + "\" value=\"" + token + "\">"
                + "<label for=\"key\">API key</label>"
                + "<input id=\"key\" name=\"key\" type=\"password\" autocomplete=\"off\" required "
                + "aria-describedby=\"key-help\">"
                + "<p id=\"key-help\" class=\"help\">An admin or finance key, or a tenant key with the "
                + "<code>usage.read</code> scope. It stays on the server for this session; the browser never stores it.</p>"
                + "<button type=\"submit\" id=\"sign-in\">Sign in</button></form>"
                + (oidc
                        ? "<p class=\"card narrow\"><a id=\"oidc-sign-in\" href=\"/console/oidc/start\">"
                                + "Sign in with your organisation's identity provider</a></p>"
                        : "");
        return ServerResponse.status(status)
                .cookie(Guard.cookie(req, Guard.SIGN_IN_COOKIE, token, Duration.ofHours(1)))
                .contentType(org.springframework.http.MediaType.parseMediaType("text/html;charset=UTF-8"))
                .cacheControl(org.springframework.http.CacheControl.noStore())
                .bodyValue(Html.page("Sign in", null, body, false));
    }

    public Mono<ServerResponse> signIn(ServerRequest req) {
        String expected = Guard.cookie(req, Guard.SIGN_IN_COOKIE);
        return req.formData().flatMap(form -> {
            if (expected == null || !Guard.csrfMatches(expected, form)) {
                return Html.refused(
                        HttpStatus.FORBIDDEN, "The sign-in form's CSRF token is missing or wrong. Reload the page.");
            }
            String key =
                    form.getFirst("key") == null ? "" : form.getFirst("key").trim();
            KeyCheck check = key.isEmpty() ? KeyCheck.of(KeyCheck.Outcome.UNKNOWN) : tenancy.checkKey(key);
            if (!check.ok()) {
                return form(
                        req,
                        HttpStatus.UNAUTHORIZED,
                        "That key is not valid (" + check.outcome().name().toLowerCase() + ").");
            }
            Role role = Role.of(check.credential());
            if (role == null) {
                return form(
                        req,
                        HttpStatus.FORBIDDEN,
                        "That key may not read usage: the console needs an admin, finance or usage.read key.");
            }
            return sessions.close(Guard.cookie(req, Guard.SESSION_COOKIE)) // a new id on every sign-in
                    .then(sessions.open(
                            key,
                            check.credential().id(),
                            role,
                            check.credential().tenantId()))
                    .flatMap(s -> ServerResponse.seeOther(URI.create("/console/overview"))
                            .cookie(Guard.cookie(req, Guard.SESSION_COOKIE, s.id(), Sessions.MAX))
                            .cookie(Guard.cookie(req, Guard.SIGN_IN_COOKIE, "", Duration.ZERO))
                            .build());
        });
    }

    /** Behind the guard (so it needs the session's CSRF token). */
    public Mono<ServerResponse> signOut(ServerRequest req) {
        return sessions.close(Guard.session(req).id())
                .then(ServerResponse.seeOther(URI.create("/console/sign-in"))
                        .cookie(Guard.cookie(req, Guard.SESSION_COOKIE, "", Duration.ZERO))
                        .build());
    }
}
