package io.modelgateway.gateway.quota.internal;

import static io.modelgateway.gateway.auth.Access.ADMIN;

import io.modelgateway.gateway.auth.Access;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.edge.json.Bodies;
import io.modelgateway.gateway.quota.QuotaLimits;
import io.modelgateway.gateway.runtime.JsonMappers;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Admin API for limits: a tenant's override per deployment and optional limits per key. A change is in
 * force on this replica when the call returns and on the others within about a second (Redis pub/sub),
 * or at their next reload.
 */
final class QuotaAdmin {

    private static final String V1 = "/admin/v1";
    private static final String ACCESS = Access.ATTRIBUTE;
    private static final Set<String> FIELDS = Set.of("rpm", "tpm");
    private static final JsonMapper JSON = JsonMappers.JSON;

    private final QuotaRuntime runtime;
    private final Tenancy tenancy;
    private final Deployments deployments;

    QuotaAdmin(QuotaRuntime runtime, Tenancy tenancy, Deployments deployments) {
        this.runtime = runtime;
        this.tenancy = tenancy;
        this.deployments = deployments;
    }

    RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route()
                .GET(V1 + "/tenants/{tenant}/limits", this::listTenant)
                .withAttribute(ACCESS, ADMIN)
                .GET(V1 + "/tenants/{tenant}/limits/{deployment}", this::getTenant)
                .withAttribute(ACCESS, ADMIN)
                .PUT(V1 + "/tenants/{tenant}/limits/{deployment}", this::putTenant)
                .withAttribute(ACCESS, ADMIN)
                .DELETE(V1 + "/tenants/{tenant}/limits/{deployment}", this::deleteTenant)
                .withAttribute(ACCESS, ADMIN)
                .GET(V1 + "/keys/{key}/limits/{deployment}", this::getKey)
                .withAttribute(ACCESS, ADMIN)
                .PUT(V1 + "/keys/{key}/limits/{deployment}", this::putKey)
                .withAttribute(ACCESS, ADMIN)
                .DELETE(V1 + "/keys/{key}/limits/{deployment}", this::deleteKey)
                .withAttribute(ACCESS, ADMIN)
                .build();
    }

    private Mono<ServerResponse> listTenant(ServerRequest req) {
        return tenant(req)
                .flatMap(t -> ok(Map.of(
                        "object",
                        "list",
                        "data",
                        deployments.all().stream()
                                .map(d -> tenantView(t, d.name()))
                                .toList())));
    }

    private Mono<ServerResponse> getTenant(ServerRequest req) {
        String deployment = deployment(req);
        return tenant(req).flatMap(t -> ok(tenantView(t, deployment)));
    }

    private Mono<ServerResponse> putTenant(ServerRequest req) {
        String deployment = deployment(req);
        return tenant(req)
                .flatMap(t -> limits(req)
                        .flatMap(l -> runtime.put(t, deployment, "", l))
                        .then(Mono.defer(() -> ok(tenantView(t, deployment)))));
    }

    private Mono<ServerResponse> deleteTenant(ServerRequest req) {
        String deployment = deployment(req);
        return tenant(req)
                .flatMap(t -> runtime.delete(t, deployment, "").then(Mono.defer(() -> ok(tenantView(t, deployment)))));
    }

    private Mono<ServerResponse> getKey(ServerRequest req) {
        String deployment = deployment(req);
        return key(req).flatMap(k -> ok(keyView(k, deployment)));
    }

    private Mono<ServerResponse> putKey(ServerRequest req) {
        String deployment = deployment(req);
        return key(req).flatMap(k -> limits(req)
                .flatMap(l -> runtime.put(k.tenant(), deployment, k.id(), l))
                .then(Mono.defer(() -> ok(keyView(k, deployment)))));
    }

    private Mono<ServerResponse> deleteKey(ServerRequest req) {
        String deployment = deployment(req);
        return key(req).flatMap(k ->
                runtime.delete(k.tenant(), deployment, k.id()).then(Mono.defer(() -> ok(keyView(k, deployment)))));
    }

    private Map<String, Object> tenantView(String tenant, String deployment) {
        LimitBook book = runtime.book();
        Map<String, Object> view = base(tenant, deployment, null, book.effective(tenant, deployment));
        view.put("override", limitsView(book.override(tenant, deployment)));
        view.put("default", limitsView(book.defaults(deployment)));
        return view;
    }

    private Map<String, Object> keyView(TenantKey key, String deployment) {
        LimitBook book = runtime.book();
        Map<String, Object> view =
                base(key.tenant(), deployment, key.id(), book.keyLimits(key.tenant(), deployment, key.id()));
        view.put("tenant_limits", limitsView(book.effective(key.tenant(), deployment)));
        return view;
    }

    private static Map<String, Object> base(
            String tenant, String deployment, @Nullable String key, QuotaLimits limits) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("object", "quota.limits");
        view.put("tenant", tenant);
        view.put("deployment", deployment);
        view.put("key", key);
        view.put("rpm", limits.rpm());
        view.put("tpm", limits.tpm());
        return view;
    }

    private static Map<String, Object> limitsView(QuotaLimits limits) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("rpm", limits.rpm());
        view.put("tpm", limits.tpm());
        return view;
    }

    private Mono<String> tenant(ServerRequest req) {
        String id = req.pathVariable("tenant");
        return tenancy.tenant(id).map(t -> t.id()).switchIfEmpty(Mono.error(() -> ApiException.notFound("tenant", id)));
    }

    /** A tenant's key: its id and its tenant. */
    private record TenantKey(String id, String tenant) {}

    /** The key named in the path; a 404 when there is none, a 400 for a platform key (of no tenant). */
    private Mono<TenantKey> key(ServerRequest req) {
        String id = req.pathVariable("key");
        return tenancy.key(id)
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("key", id)))
                .mapNotNull(k -> k.tenantId() == null ? null : new TenantKey(k.id(), k.tenantId()))
                .switchIfEmpty(Mono.error(() -> ApiException.invalid(
                        "key",
                        "invalid_value",
                        "Key '" + id + "' is a platform key: it makes no calls that limits apply to.")));
    }

    private String deployment(ServerRequest req) {
        String name = req.pathVariable("deployment");
        if (deployments.all().stream().map(Deployment::name).noneMatch(name::equals)) {
            throw ApiException.notFound("deployment", name);
        }
        return name;
    }

    /** {@code {"rpm": n|null, "tpm": n|null}}: positive integers; absent or null = not set. */
    private static Mono<QuotaLimits> limits(ServerRequest req) {
        return Bodies.json(req, 4096).map(QuotaAdmin::limits);
    }

    static QuotaLimits limits(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid(null, "invalid_json", "The body must be a JSON object {\"rpm\", \"tpm\"}.");
        }
        for (String name : body.propertyNames()) {
            if (!FIELDS.contains(name)) {
                throw ApiException.invalid(
                        name, "unknown_parameter", "Unrecognized request argument supplied: " + name);
            }
        }
        return new QuotaLimits(positive(body, "rpm"), positive(body, "tpm"));
    }

    private static @Nullable Long positive(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 1 || v.longValue() > QuotaLimits.MAX) {
            throw ApiException.invalid(
                    name,
                    "invalid_value",
                    "Invalid '" + name + "': must be an integer from 1 to " + QuotaLimits.MAX + ", or null.");
        }
        return v.longValue();
    }

    private static Mono<ServerResponse> ok(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(JSON.writeValueAsBytes(body));
    }
}
