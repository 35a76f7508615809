package io.modelgateway.gateway.admin;

import io.modelgateway.gateway.admin.Requests.CreateTenant;
import io.modelgateway.gateway.admin.Requests.UpdateTenant;
import io.modelgateway.gateway.admin.Views.TenantView;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.tenancy.Tenancy;
import io.modelgateway.gateway.tenancy.Tenancy.TenantChange;
import io.modelgateway.gateway.tenancy.Tenant;
import io.modelgateway.gateway.tenancy.TenantStatus;
import java.util.List;
import java.util.Set;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** Tenants: create, list, get, update (name, status, deployments), suspend and activate. */
final class TenantsAdmin {

    private final Tenancy tenancy;
    private final Deployments deployments;
    private final AdminJson json;

    TenantsAdmin(Tenancy tenancy, Deployments deployments, AdminJson json) {
        this.tenancy = tenancy;
        this.deployments = deployments;
        this.json = json;
    }

    Mono<ServerResponse> create(ServerRequest req) {
        return json.read(req, CreateTenant.class)
                .flatMap(body -> tenancy.createTenant(body.id(), body.name(), deploymentNames(body.deployments()))
                        .switchIfEmpty(Mono.error(() ->
                                ApiException.conflict("id", "A tenant with id '" + body.id() + "' already exists."))))
                .flatMap(t -> AdminJson.created(TenantView.of(t)));
    }

    Mono<ServerResponse> list(ServerRequest req) {
        return tenancy.tenants()
                .flatMap(ts -> AdminJson.list(ts.stream().map(TenantView::of).toList()));
    }

    Mono<ServerResponse> get(ServerRequest req) {
        String id = req.pathVariable("tenant");
        return found(tenancy.tenant(id), id);
    }

    Mono<ServerResponse> update(ServerRequest req) {
        String id = req.pathVariable("tenant");
        return json.read(req, UpdateTenant.class).flatMap(body -> found(tenancy.updateTenant(id, change(body)), id));
    }

    Mono<ServerResponse> suspend(ServerRequest req) {
        return setStatus(req, TenantStatus.SUSPENDED);
    }

    Mono<ServerResponse> activate(ServerRequest req) {
        return setStatus(req, TenantStatus.ACTIVE);
    }

    private Mono<ServerResponse> setStatus(ServerRequest req, TenantStatus status) {
        String id = req.pathVariable("tenant");
        return found(tenancy.updateTenant(id, new TenantChange(null, status, null)), id);
    }

    private TenantChange change(UpdateTenant body) {
        TenantStatus status =
                body.status() == null ? null : TenantStatus.parse(body.status()).orElseThrow();
        Set<String> names = body.deployments() == null ? null : deploymentNames(body.deployments());
        return new TenantChange(body.name(), status, names);
    }

    /** Deployment names must be configured ones, or {@code *} for all. */
    Set<String> deploymentNames(List<String> names) {
        if (names == null) {
            return Set.of();
        }
        for (String name : names) {
            if (!Tenant.ALL_DEPLOYMENTS.equals(name)
                    && deployments.all().stream().noneMatch(d -> d.name().equals(name))) {
                throw ApiException.invalid("deployments", "invalid_value", "Unknown deployment '" + name + "'.");
            }
        }
        return Set.copyOf(names);
    }

    private static Mono<ServerResponse> found(Mono<Tenant> tenant, String id) {
        return tenant.switchIfEmpty(Mono.error(() -> ApiException.notFound("tenant", id)))
                .flatMap(t -> AdminJson.ok(TenantView.of(t)));
    }
}
