package io.modelgateway.gateway.admin;

import io.modelgateway.gateway.admin.Requests.CreateKey;
import io.modelgateway.gateway.admin.Requests.RotateKey;
import io.modelgateway.gateway.admin.Views.KeyView;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.tenancy.ApiKey;
import io.modelgateway.gateway.tenancy.Scope;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * API keys: issue (a tenant's, or a platform key), list, get, rotate and revoke. The full key is in the
 * create and rotate responses only; lists show the id, name and last four characters.
 */
final class KeysAdmin {

    private static final Duration DEFAULT_GRACE = Duration.ofDays(1);

    private final Tenancy tenancy;
    private final AdminJson json;
    private final Clock clock;

    KeysAdmin(Tenancy tenancy, AdminJson json, Clock clock) {
        this.tenancy = tenancy;
        this.json = json;
        this.clock = clock;
    }

    Mono<ServerResponse> issueForTenant(ServerRequest req) {
        String tenant = req.pathVariable("tenant");
        return json.read(req, CreateKey.class)
                .flatMap(body ->
                        tenancy.issueKey(tenant, body.name(), scopes(body.scopes(), false), expiry(body.expiresAt())))
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("tenant", tenant)))
                .flatMap(issued -> AdminJson.created(KeyView.of(issued)));
    }

    Mono<ServerResponse> issuePlatform(ServerRequest req) {
        return json.read(req, CreateKey.class)
                .flatMap(body ->
                        tenancy.issueKey(null, body.name(), scopes(body.scopes(), true), expiry(body.expiresAt())))
                .flatMap(issued -> AdminJson.created(KeyView.of(issued)));
    }

    Mono<ServerResponse> listForTenant(ServerRequest req) {
        String tenant = req.pathVariable("tenant");
        return tenancy.tenant(tenant)
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("tenant", tenant)))
                .flatMap(t -> tenancy.keys(tenant))
                .flatMap(KeysAdmin::list);
    }

    Mono<ServerResponse> listPlatform(ServerRequest req) {
        return tenancy.keys(null).flatMap(KeysAdmin::list);
    }

    Mono<ServerResponse> get(ServerRequest req) {
        String id = req.pathVariable("key");
        return found(tenancy.key(id), id).flatMap(k -> AdminJson.ok(KeyView.of(k)));
    }

    Mono<ServerResponse> rotate(ServerRequest req) {
        String id = req.pathVariable("key");
        return json.readOptional(req, RotateKey.class, new RotateKey(null))
                .flatMap(body -> tenancy.rotateKey(id, grace(body)))
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("active key", id)))
                .flatMap(issued -> AdminJson.created(KeyView.of(issued)));
    }

    Mono<ServerResponse> revoke(ServerRequest req) {
        String id = req.pathVariable("key");
        return found(tenancy.revokeKey(id), id).flatMap(k -> AdminJson.ok(KeyView.of(k)));
    }

    private static Mono<ServerResponse> list(List<ApiKey> keys) {
        return AdminJson.list(keys.stream().map(KeyView::of).toList());
    }

    private static Mono<ApiKey> found(Mono<ApiKey> key, String id) {
        return key.switchIfEmpty(Mono.error(() -> ApiException.notFound("key", id)));
    }

    private static Duration grace(RotateKey body) {
        return body.graceSeconds() == null ? DEFAULT_GRACE : Duration.ofSeconds(body.graceSeconds());
    }

    private Instant expiry(Long expiresAt) {
        if (expiresAt == null) {
            return null;
        }
        Instant at = Instant.ofEpochSecond(expiresAt);
        if (!at.isAfter(clock.instant())) {
            throw ApiException.invalid("expires_at", "invalid_value", "Invalid 'expires_at': must be in the future.");
        }
        return at;
    }

    /** Tenant keys take tenant scopes (default: all of them); platform keys take platform scopes. */
    static Set<Scope> scopes(List<String> names, boolean platform) {
        if (names == null || names.isEmpty()) {
            if (platform) {
                throw ApiException.invalid(
                        "scopes",
                        "missing_required_parameter",
                        "A platform key needs 'scopes': 'finance' and/or 'admin'.");
            }
            return Scope.tenantDefaults();
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String name : names) {
            Scope s = Scope.parse(name)
                    .filter(x -> x.platform() == platform)
                    .orElseThrow(() -> ApiException.invalid(
                            "scopes",
                            "invalid_value",
                            "Invalid scope '" + name + "' for a " + (platform ? "platform" : "tenant") + " key."));
            scopes.add(s);
        }
        return scopes;
    }
}
