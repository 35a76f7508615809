package io.modelgateway.gateway.auth;

import io.modelgateway.gateway.auth.Credentials.Area;
import io.modelgateway.gateway.error.ApiException;
import io.modelgateway.gateway.tenancy.Credential;
import io.modelgateway.gateway.tenancy.KeyCheck;
import io.modelgateway.gateway.tenancy.Scope;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.util.Set;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Authenticates the OpenAI/Azure endpoints and the admin API, and records the {@link Caller}. API keys
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
        Area area = Credentials.area(exchange.getRequest().getPath().value());
        if (area == null) {
            return chain.filter(exchange);
        }
        if (Credentials.isJwtRequest(exchange)) {
            return ReactiveSecurityContextHolder.getContext()
                    .map(SecurityContext::getAuthentication)
                    .ofType(JwtCallerToken.class)
                    .switchIfEmpty(Mono.error(ApiException::invalidToken))
                    .flatMap(token -> admit(area, tenancy.checkTenant(token.credential()), exchange, chain));
        }
        String key = presentedKey(exchange.getRequest().getHeaders());
        if (key == null) {
            return Mono.error(ApiException.missingKey());
        }
        return admit(area, tenancy.checkKey(key), exchange, chain);
    }

    private static String presentedKey(HttpHeaders headers) {
        String apiKey = Credentials.apiKeyHeader(headers);
        return apiKey != null ? apiKey : Credentials.bearer(headers);
    }

    private static Mono<Void> admit(Area area, KeyCheck check, ServerWebExchange exchange, WebFilterChain chain) {
        ApiException refusal = refusal(area, check);
        if (refusal != null) {
            return Mono.error(refusal);
        }
        Credential c = check.credential();
        Set<String> deployments = check.tenant() == null ? Set.of() : check.tenant().deployments();
        exchange.getAttributes().put(Caller.ATTRIBUTE, new Caller(c.tenantId(), c.id(), c.scopes(), deployments));
        return chain.filter(exchange);
    }

    /** Why the request is refused, or {@code null} to let it in. */
    static ApiException refusal(Area area, KeyCheck check) {
        return switch (check.outcome()) {
            case UNKNOWN -> ApiException.invalidKey();
            case REVOKED -> ApiException.revokedKey();
            case EXPIRED -> ApiException.expiredKey();
            case TENANT_UNKNOWN -> ApiException.unknownTenant();
            case TENANT_SUSPENDED -> ApiException.tenantSuspended();
            case OK -> scopeRefusal(area, check.credential());
        };
    }

    private static ApiException scopeRefusal(Area area, Credential c) {
        if (area == Area.ADMIN) {
            return c.has(Scope.ADMIN) ? null : ApiException.insufficientScope(Scope.ADMIN.value());
        }
        if (area == Area.FINANCE) {
            boolean platform = c.tenantId() == null && (c.has(Scope.FINANCE) || c.has(Scope.ADMIN));
            boolean own = c.tenantId() != null && c.has(Scope.USAGE_READ);
            return platform || own ? null : ApiException.insufficientScope(
                    c.tenantId() == null ? Scope.FINANCE.value() : Scope.USAGE_READ.value());
        }
        return c.tenantId() != null && c.has(Scope.INFERENCE)
                ? null
                : ApiException.insufficientScope(Scope.INFERENCE.value());
    }
}
