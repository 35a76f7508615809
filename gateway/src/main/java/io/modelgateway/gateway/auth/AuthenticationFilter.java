package io.modelgateway.gateway.auth;

import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.tenancy.Credential;
import io.modelgateway.gateway.tenancy.KeyCheck;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.util.List;
import java.util.Set;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The gate's decision, made once per request before any handler runs: authenticates the credential and
 * checks it against the {@link Access} of the routes the request matched ({@link GateFilter}), including
 * tenant ownership of a {@code {tenant}} path variable; then records the {@link Caller}. Deny by default: a
 * request no declaration covers gets 401 without a valid credential and 404 with one. API keys
 * ({@code api-key} header or a non-JWT bearer) are checked here, from memory, without Spring Security.
 * JWTs were already validated by the resource server chain (which sees only JWT requests, see
 * {@link JwtSecurityConfiguration}); here they get the same tenant and scope checks as keys.
 */
@Component
@Order(-50) // after Spring Security's WebFilterChainProxy (order -100)
public class AuthenticationFilter implements WebFilter {

    private final Tenancy tenancy;

    public AuthenticationFilter(Tenancy tenancy) {
        this.tenancy = tenancy;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        List<RouteTable.Route> routes = RouteTable.matched(exchange);
        if (RouteTable.isPublic(routes)) {
            return chain.filter(exchange);
        }
        if (AuthHeaders.isJwtRequest(exchange)) {
            return ReactiveSecurityContextHolder.getContext()
                    .map(SecurityContext::getAuthentication)
                    .ofType(JwtCallerToken.class)
                    .switchIfEmpty(Mono.error(ApiException::invalidToken))
                    .flatMap(token -> admit(routes, tenancy.checkTenant(token.credential()), exchange, chain));
        }
        String key = presentedKey(exchange.getRequest().getHeaders());
        if (key == null) {
            return refuse(exchange, ApiException.missingKey());
        }
        return admit(routes, tenancy.checkKey(key), exchange, chain);
    }

    /**
     * A refusal before any handler read the request's body: the connection is closed after the answer, so a
     * body still arriving can never be taken for the next request of a keep-alive connection (seen as a stall
     * of the next request on that connection).
     */
    private static Mono<Void> refuse(ServerWebExchange exchange, Exception refusal) {
        HttpHeaders request = exchange.getRequest().getHeaders();
        if (request.getContentLength() > 0 || request.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
            exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
        }
        return Mono.error(refusal);
    }

    private static String presentedKey(HttpHeaders headers) {
        String apiKey = AuthHeaders.apiKeyHeader(headers);
        return apiKey != null ? apiKey : AuthHeaders.bearer(headers);
    }

    private static Mono<Void> admit(
            List<RouteTable.Route> routes, KeyCheck check, ServerWebExchange exchange, WebFilterChain chain) {
        Exception refusal = refusal(check);
        if (refusal == null) {
            refusal = refusal(
                    routes, check.credential(), exchange.getRequest().getPath().pathWithinApplication());
        }
        if (refusal != null) {
            return refuse(exchange, refusal);
        }
        Credential c = check.credential();
        Set<String> deployments =
                check.tenant() == null ? Set.of() : check.tenant().deployments();
        exchange.getAttributes().put(Caller.ATTRIBUTE, new Caller(c.tenantId(), c.id(), c.scopes(), deployments));
        return chain.filter(exchange);
    }

    /** Why the credential is refused as such, or {@code null} if it is valid. */
    static ApiException refusal(KeyCheck check) {
        return switch (check.outcome()) {
            case UNKNOWN -> ApiException.invalidKey();
            case REVOKED -> ApiException.revokedKey();
            case EXPIRED -> ApiException.expiredKey();
            case TENANT_UNKNOWN -> ApiException.unknownTenant();
            case TENANT_SUSPENDED -> ApiException.tenantSuspended();
            case OK -> null;
        };
    }

    /**
     * Why a valid credential may not call this request's routes, or {@code null}: every route it matched
     * must admit it (usually there is one), and a tenant credential names only its own tenant.
     */
    static Exception refusal(List<RouteTable.Route> routes, Credential c, PathContainer path) {
        if (routes.isEmpty()) {
            return new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        for (RouteTable.Route route : routes) {
            ApiException refusal = route.access().refusal(c);
            if (refusal != null) {
                return refusal;
            }
            String tenant = route.tenant(path);
            if (tenant != null && c.tenantId() != null && !tenant.equals(c.tenantId())) {
                return ApiException.otherTenant();
            }
        }
        return null;
    }
}
