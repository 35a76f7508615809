package io.modelgateway.gateway.auth;

import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Where a request's credential is and which path checks it: an {@code api-key} header or a
 * non-JWT bearer goes to the in-memory key check; a bearer with three dot-separated parts is a JWT and
 * goes through Spring Security's resource server first.
 */
public final class AuthHeaders {

    private static final String BEARER = "Bearer ";

    private AuthHeaders() {}

    /**
     * Whether this request carries a JWT for a route that is not public (the only requests Spring Security
     * sees). The gate has matched the routes already ({@link RouteTable#MATCHED}); an undeclared path is not
     * public.
     */
    public static boolean isJwtRequest(ServerWebExchange exchange) {
        if (RouteTable.isPublic(RouteTable.matched(exchange))) {
            return false;
        }
        HttpHeaders headers = exchange.getRequest().getHeaders();
        return apiKeyHeader(headers) == null && looksLikeJwt(bearer(headers));
    }

    static String apiKeyHeader(HttpHeaders headers) {
        String apiKey = headers.getFirst("api-key");
        return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }

    static String bearer(HttpHeaders headers) {
        String auth = headers.getFirst(HttpHeaders.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String token = auth.substring(BEARER.length()).trim();
            return token.isEmpty() ? null : token;
        }
        return null;
    }

    /** Three non-empty dot-separated parts, and not one of our keys. */
    static boolean looksLikeJwt(String token) {
        if (token == null || token.startsWith("sk-")) {
            return false;
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        return first > 0 && second > first + 1 && second < token.length() - 1 && token.indexOf('.', second + 1) < 0;
    }
}
