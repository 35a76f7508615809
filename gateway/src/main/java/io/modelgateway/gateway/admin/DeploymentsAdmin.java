package io.modelgateway.gateway.admin;

import io.modelgateway.gateway.admin.Requests.SetTenants;
import io.modelgateway.gateway.admin.Views.DeploymentView;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.error.ApiException;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.util.Set;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Which tenants may use which deployment. The deployments themselves are defined in configuration
 * ({@code gateway.deployments}) for now; only their tenant access is managed here.
 */
final class DeploymentsAdmin {

    private final Tenancy tenancy;
    private final Deployments deployments;
    private final AdminJson json;

    DeploymentsAdmin(Tenancy tenancy, Deployments deployments, AdminJson json) {
        this.tenancy = tenancy;
        this.deployments = deployments;
        this.json = json;
    }

    Mono<ServerResponse> list(ServerRequest req) {
        return Flux.fromIterable(deployments.all()).concatMap(this::view).collectList().flatMap(AdminJson::list);
    }

    Mono<ServerResponse> get(ServerRequest req) {
        return view(deployment(req)).flatMap(AdminJson::ok);
    }

    Mono<ServerResponse> setTenants(ServerRequest req) {
        Deployment d = deployment(req);
        return json.read(req, SetTenants.class)
                .flatMap(body -> tenancy.setDeploymentTenants(d.name(), Set.copyOf(body.tenants()))
                        .switchIfEmpty(Mono.error(() -> ApiException.invalid("tenants", "invalid_value",
                                "Every tenant in 'tenants' must exist."))))
                .flatMap(tenants -> view(d, tenants))
                .flatMap(AdminJson::ok);
    }

    private Deployment deployment(ServerRequest req) {
        String name = req.pathVariable("deployment");
        return deployments.all().stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiException.notFound("deployment", name));
    }

    private Mono<DeploymentView> view(Deployment d) {
        return tenancy.deploymentTenants(d.name()).flatMap(tenants -> view(d, tenants));
    }

    private static Mono<DeploymentView> view(Deployment d, Set<String> tenants) {
        return Mono.just(new DeploymentView("deployment", d.name(), d.kind().name().toLowerCase(),
                tenants.stream().sorted().toList()));
    }
}
