package io.modelgateway.gateway.admin;

import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.deployment.DeploymentCatalog;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.error.ApiException;
import io.modelgateway.gateway.tenancy.Scope;
import io.modelgateway.gateway.tenancy.Tenancy;
import jakarta.validation.Validator;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The admin API under {@code /admin/v1} (JSON, OpenAI-style errors). Authentication and the admin scope
 * are enforced by the authentication filter before any of these handlers runs. Its OpenAPI document is
 * served at {@code /admin/v1/openapi.yaml}.
 */
@Configuration(proxyBeanMethods = false)
public class AdminRoutes {

    private static final String V1 = "/admin/v1";

    @Bean
    RouterFunction<ServerResponse> adminRouter(Tenancy tenancy, Deployments deployments, DeploymentCatalog catalog,
            Validator validator, Clock clock) {
        AdminJson json = new AdminJson(validator);
        TenantsAdmin tenants = new TenantsAdmin(tenancy, deployments, json);
        KeysAdmin keys = new KeysAdmin(tenancy, json, clock);
        DeploymentsAdmin access = new DeploymentsAdmin(tenancy, deployments, catalog, json);
        ClassPathResource openApi = new ClassPathResource("admin/openapi.yaml");
        return RouterFunctions.route()
                .GET(V1 + "/openapi.yaml", req -> ServerResponse.ok()
                        .contentType(MediaType.parseMediaType("application/yaml")).bodyValue(openApi))
                .POST(V1 + "/tenants", tenants::create)
                .GET(V1 + "/tenants", tenants::list)
                .GET(V1 + "/tenants/{tenant}", tenants::get)
                .PATCH(V1 + "/tenants/{tenant}", tenants::update)
                .POST(V1 + "/tenants/{tenant}/suspend", tenants::suspend)
                .POST(V1 + "/tenants/{tenant}/activate", tenants::activate)
                .POST(V1 + "/tenants/{tenant}/keys", keys::issueForTenant)
                .GET(V1 + "/tenants/{tenant}/keys", keys::listForTenant)
                .POST(V1 + "/keys", keys::issuePlatform)
                .GET(V1 + "/keys", keys::listPlatform)
                .GET(V1 + "/keys/{key}", keys::get)
                .POST(V1 + "/keys/{key}/rotate", keys::rotate)
                .POST(V1 + "/keys/{key}/revoke", keys::revoke)
                .DELETE(V1 + "/keys/{key}", keys::revoke)
                .GET(V1 + "/deployments", access::list)
                .POST(V1 + "/deployments", access::create)
                .GET(V1 + "/deployments/{deployment}", access::get)
                .PUT(V1 + "/deployments/{deployment}", access::replace)
                .DELETE(V1 + "/deployments/{deployment}", access::delete)
                .PUT(V1 + "/deployments/{deployment}/tenants", access::setTenants)
                .filter(AdminRoutes::requireAdmin)
                .build();
    }

    /**
     * Defence in depth: the authentication filter already refused non-admin callers; a request that
     * reached a handler without an admin {@link Caller} (an unusual path spelling, say) is refused too.
     */
    private static Mono<ServerResponse> requireAdmin(ServerRequest req, HandlerFunction<ServerResponse> next) {
        if (req.path().equals(V1 + "/openapi.yaml")) {
            return next.handle(req);
        }
        Caller caller = Caller.of(req.exchange());
        if (caller == null) {
            return Mono.error(ApiException.missingKey());
        }
        return caller.has(Scope.ADMIN) ? next.handle(req) : Mono.error(ApiException.insufficientScope("admin"));
    }
}
