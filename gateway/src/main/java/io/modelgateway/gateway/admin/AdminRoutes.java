package io.modelgateway.gateway.admin;

import static io.modelgateway.gateway.auth.Access.ADMIN;

import io.modelgateway.gateway.auth.Access;
import io.modelgateway.gateway.deployment.DeploymentCatalog;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.tenancy.Tenancy;
import jakarta.validation.Validator;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The admin API under {@code /admin/v1} (JSON, OpenAI-style errors). Each route declares its {@link Access}
 * (admin; its OpenAPI document, served at {@code /admin/v1/openapi.yaml}, is public); the gate enforces it
 * before any of these handlers runs.
 */
@Configuration(proxyBeanMethods = false)
public class AdminRoutes {

    private static final String V1 = "/admin/v1";
    private static final String ACCESS = Access.ATTRIBUTE;

    @Bean
    RouterFunction<ServerResponse> adminRouter(
            Tenancy tenancy, Deployments deployments, DeploymentCatalog catalog, Validator validator, Clock clock) {
        AdminJson json = new AdminJson(validator);
        TenantsAdmin tenants = new TenantsAdmin(tenancy, deployments, json);
        KeysAdmin keys = new KeysAdmin(tenancy, json, clock);
        DeploymentsAdmin access = new DeploymentsAdmin(tenancy, deployments, catalog, json);
        ClassPathResource openApi = new ClassPathResource("admin/openapi.yaml");
        return RouterFunctions.route()
                .GET(
                        V1 + "/openapi.yaml",
                        req -> ServerResponse.ok()
                                .contentType(MediaType.parseMediaType("application/yaml"))
                                .bodyValue(openApi))
                .withAttribute(ACCESS, Access.PUBLIC)
                .POST(V1 + "/tenants", tenants::create)
                .withAttribute(ACCESS, ADMIN)
                .GET(V1 + "/tenants", tenants::list)
                .withAttribute(ACCESS, ADMIN)
                .GET(V1 + "/tenants/{tenant}", tenants::get)
                .withAttribute(ACCESS, ADMIN)
                .PATCH(V1 + "/tenants/{tenant}", tenants::update)
                .withAttribute(ACCESS, ADMIN)
                .POST(V1 + "/tenants/{tenant}/suspend", tenants::suspend)
                .withAttribute(ACCESS, ADMIN)
                .POST(V1 + "/tenants/{tenant}/activate", tenants::activate)
                .withAttribute(ACCESS, ADMIN)
                .POST(V1 + "/tenants/{tenant}/keys", keys::issueForTenant)
                .withAttribute(ACCESS, ADMIN)
                .GET(V1 + "/tenants/{tenant}/keys", keys::listForTenant)
                .withAttribute(ACCESS, ADMIN)
                .POST(V1 + "/keys", keys::issuePlatform)
                .withAttribute(ACCESS, ADMIN)
                .GET(V1 + "/keys", keys::listPlatform)
                .withAttribute(ACCESS, ADMIN)
                .GET(V1 + "/keys/{key}", keys::get)
                .withAttribute(ACCESS, ADMIN)
                .POST(V1 + "/keys/{key}/rotate", keys::rotate)
                .withAttribute(ACCESS, ADMIN)
                .POST(V1 + "/keys/{key}/revoke", keys::revoke)
                .withAttribute(ACCESS, ADMIN)
                .DELETE(V1 + "/keys/{key}", keys::revoke)
                .withAttribute(ACCESS, ADMIN)
                .GET(V1 + "/deployments", access::list)
                .withAttribute(ACCESS, ADMIN)
                .POST(V1 + "/deployments", access::create)
                .withAttribute(ACCESS, ADMIN)
                .GET(V1 + "/deployments/{deployment}", access::get)
                .withAttribute(ACCESS, ADMIN)
                .PUT(V1 + "/deployments/{deployment}", access::replace)
                .withAttribute(ACCESS, ADMIN)
                .DELETE(V1 + "/deployments/{deployment}", access::delete)
                .withAttribute(ACCESS, ADMIN)
                .PUT(V1 + "/deployments/{deployment}/tenants", access::setTenants)
                .withAttribute(ACCESS, ADMIN)
                .build();
    }
}
