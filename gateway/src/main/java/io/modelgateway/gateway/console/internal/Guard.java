package io.modelgateway.gateway.console.internal;

import java.net.URI;
import java.time.Duration;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The console's one access check, on every route but the sign-in page and the static assets: a live
 * session from the {@code HttpOnly} cookie, and for every state-changing request the session's CSRF token
 * in the form. A missing session sends a page view to the sign-in page and refuses anything else.
 */
public final class Guard implements HandlerFilterFunction<ServerResponse, ServerResponse> {

    static final String SESSION_COOKIE = "console_session";
    /** Before sign-in: the token the sign-in form must echo (double submit), so no site can sign a browser in. */
    static final String SIGN_IN_COOKIE = "console_sign_in";

    static final String CSRF_FIELD = "_csrf";
    private static final String ATTRIBUTE = Session.class.getName();

    private final Sessions sessions;

    public Guard(Sessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public Mono<ServerResponse> filter(ServerRequest req, HandlerFunction<ServerResponse> next) {
        return sessions.find(cookie(req, SESSION_COOKIE))
                .map(s -> admit(req, next, s))
                .defaultIfEmpty(Mono.defer(() -> safe(req)
                        ? ServerResponse.seeOther(URI.create("/console/sign-in"))
                                .build()
                        : Html.refused(HttpStatus.FORBIDDEN, "Your session has ended. Sign in again.")))
                .flatMap(response -> response);
    }

    private static Mono<ServerResponse> admit(ServerRequest req, HandlerFunction<ServerResponse> next, Session s) {
        req.attributes().put(ATTRIBUTE, s);
        if (safe(req)) {
            return Mono.defer(() -> next.handle(req));
        }
        return req.formData()
                .flatMap(form -> csrfMatches(s.csrf(), form)
                        ? next.handle(req)
                        : Html.refused(
                                HttpStatus.FORBIDDEN,
                                "The form's CSRF token is missing or wrong. Reload the page and try again."));
    }

    /** The session this filter admitted. */
    static Session session(ServerRequest req) {
        return (Session) req.attributes().get(ATTRIBUTE);
    }

    static boolean csrfMatches(String expected, MultiValueMap<String, String> form) {
        return Sessions.same(expected, form.getFirst(CSRF_FIELD));
    }

    static String cookie(ServerRequest req, String name) {
        HttpCookie c = req.cookies().getFirst(name);
        return c == null || c.getValue().isBlank() ? null : c.getValue();
    }

    /** An {@code HttpOnly}, {@code SameSite=Strict} cookie for {@code /console}, {@code Secure} behind TLS. */
    static ResponseCookie cookie(ServerRequest req, String name, String value, Duration maxAge) {
        return ResponseCookie.from(name, value)
                .path("/console")
                .httpOnly(true)
                .sameSite("Strict")
                .secure(secure(req))
                .maxAge(maxAge)
                .build();
    }

    /** Whether the browser reached us over TLS: directly, or through a proxy that says so. */
    static boolean secure(ServerRequest req) {
        String proto = req.headers().firstHeader("X-Forwarded-Proto");
        return req.exchange().getRequest().getSslInfo() != null
                || "https".equalsIgnoreCase(req.uri().getScheme())
                || (proto != null
                        && proto.trim().toLowerCase(java.util.Locale.ROOT).startsWith("https"));
    }

    private static boolean safe(ServerRequest req) {
        return req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD;
    }
}
