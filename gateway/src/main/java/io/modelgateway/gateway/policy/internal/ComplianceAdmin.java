package io.modelgateway.gateway.policy.internal;

import static io.modelgateway.gateway.auth.Access.ADMIN;

import io.modelgateway.gateway.auth.Access;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.edge.json.Bodies;
import io.modelgateway.gateway.edge.json.Fields;
import io.modelgateway.gateway.policy.AuditRecord;
import io.modelgateway.gateway.policy.ComplianceAudit;
import io.modelgateway.gateway.policy.CompliancePolicies;
import io.modelgateway.gateway.policy.PolicySpec;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The compliance admin API: policies at the three levels, the effective policy, and the audit trail.
 * Every route declares the admin access; the gate enforces it before these handlers run.
 */
final class ComplianceAdmin {

    private static final String V1 = "/admin/v1";
    private static final long MAX_BODY = 4L * 1024 * 1024;
    private static final int MAX_AUDIT_LIMIT = 1000;
    private static final String ACCESS = Access.ATTRIBUTE;
    private static final String PLATFORM = CompliancePolicies.PLATFORM;
    private static final String ALL = CompliancePolicies.ALL_DEPLOYMENTS;

    private final CompliancePolicies policies;
    private final ComplianceAudit audit;
    private final Tenancy tenancy;
    private final Deployments deployments;
    private final Clock clock;

    ComplianceAdmin(
            CompliancePolicies policies, ComplianceAudit audit, Tenancy tenancy, Deployments deployments, Clock clock) {
        this.policies = policies;
        this.audit = audit;
        this.tenancy = tenancy;
        this.deployments = deployments;
        this.clock = clock;
    }

    RouterFunction<ServerResponse> routes() {
        String platform = V1 + "/policies/default";
        String tenantPolicy = V1 + "/tenants/{tenant}/policy";
        String deploymentPolicy = tenantPolicy + "/deployments/{deployment}";
        return RouterFunctions.route()
                .GET(platform, req -> get(PLATFORM, ALL))
                .withAttribute(ACCESS, ADMIN)
                .PUT(platform, req -> put(req, PLATFORM, ALL))
                .withAttribute(ACCESS, ADMIN)
                .DELETE(platform, req -> delete(PLATFORM, ALL))
                .withAttribute(ACCESS, ADMIN)
                .GET(tenantPolicy + "/effective", this::effective)
                .withAttribute(ACCESS, ADMIN)
                .GET(tenantPolicy, req -> tenant(req).then(get(t(req), ALL)))
                .withAttribute(ACCESS, ADMIN)
                .PUT(tenantPolicy, req -> tenant(req).then(put(req, t(req), ALL)))
                .withAttribute(ACCESS, ADMIN)
                .DELETE(tenantPolicy, req -> tenant(req).then(delete(t(req), ALL)))
                .withAttribute(ACCESS, ADMIN)
                .GET(deploymentPolicy, req -> scoped(req).then(get(t(req), d(req))))
                .withAttribute(ACCESS, ADMIN)
                .PUT(deploymentPolicy, req -> scoped(req).then(put(req, t(req), d(req))))
                .withAttribute(ACCESS, ADMIN)
                .DELETE(deploymentPolicy, req -> scoped(req).then(delete(t(req), d(req))))
                .withAttribute(ACCESS, ADMIN)
                .GET(V1 + "/audit", this::audit)
                .withAttribute(ACCESS, ADMIN)
                .build();
    }

    private static String t(ServerRequest req) {
        return req.pathVariable("tenant");
    }

    private static String d(ServerRequest req) {
        return req.pathVariable("deployment");
    }

    private Mono<ServerResponse> get(String tenant, String deployment) {
        return policies.get(tenant, deployment)
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("policy", tenant + "/" + deployment)))
                .flatMap(ComplianceAdmin::ok);
    }

    private Mono<ServerResponse> put(ServerRequest req, String tenant, String deployment) {
        return Bodies.json(req, MAX_BODY)
                .map(ComplianceAdmin::spec)
                .flatMap(spec -> policies.put(tenant, deployment, spec))
                .onErrorMap(
                        IllegalArgumentException.class,
                        e -> ApiException.invalid(null, "invalid_value", "Invalid policy: " + e.getMessage()))
                .flatMap(ComplianceAdmin::ok);
    }

    private Mono<ServerResponse> delete(String tenant, String deployment) {
        return policies.delete(tenant, deployment)
                .flatMap(existed -> existed
                        ? ServerResponse.noContent().build()
                        : Mono.error(ApiException.notFound("policy", tenant + "/" + deployment)));
    }

    private Mono<ServerResponse> effective(ServerRequest req) {
        String deployment = req.queryParam("deployment").orElse(CompliancePolicies.ALL_DEPLOYMENTS);
        return tenant(req).then(Mono.defer(() -> {
            if (!CompliancePolicies.ALL_DEPLOYMENTS.equals(deployment)) {
                known(deployment);
            }
            return ok(policies.effective(req.pathVariable("tenant"), deployment));
        }));
    }

    private Mono<ServerResponse> audit(ServerRequest req) {
        String tenant = req.queryParam("tenant").filter(t -> !t.isBlank()).orElse(null);
        Instant since = req.queryParam("since")
                .map(ComplianceAdmin::instant)
                .orElseGet(() -> clock.instant().minus(Duration.ofDays(1)));
        int limit = req.queryParam("limit").map(ComplianceAdmin::limit).orElse(100);
        return audit.query(tenant, since, limit + 1).flatMap(records -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("object", "list");
            body.put(
                    "data",
                    records.stream().limit(limit).map(ComplianceAdmin::view).toList());
            body.put("has_more", records.size() > limit);
            return ok(body);
        });
    }

    private static Map<String, Object> view(AuditRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("tenant", r.tenant());
        m.put("request_id", r.requestId());
        m.put("deployment", r.deployment());
        m.put("rule", r.rule());
        m.put("rule_type", r.ruleType());
        m.put("action", r.action());
        m.put("target", r.target());
        m.put("matched_text", r.matchedText());
        m.put("created_at", r.createdAt().getEpochSecond());
        return m;
    }

    /** The tenant must exist. */
    private Mono<Void> tenant(ServerRequest req) {
        String id = req.pathVariable("tenant");
        return tenancy.tenant(id)
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("tenant", id)))
                .then();
    }

    /** The tenant and the deployment must exist. */
    private Mono<Void> scoped(ServerRequest req) {
        return tenant(req).then(Mono.fromRunnable(() -> known(req.pathVariable("deployment"))));
    }

    private void known(String deployment) {
        if (deployments.all().stream().noneMatch(d -> d.name().equals(deployment))) {
            throw ApiException.notFound("deployment", deployment);
        }
    }

    private static PolicySpec spec(tools.jackson.databind.JsonNode node) {
        try {
            return SpecJson.read(node);
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.invalid(
                    e.getPropertyName(),
                    "unknown_parameter",
                    "Unrecognized request argument supplied: " + e.getPropertyName());
        } catch (JacksonException e) {
            throw ApiException.invalid(null, "invalid_type", "The policy could not be read: " + e.getOriginalMessage());
        }
    }

    /** Unix seconds or ISO-8601. */
    private static Instant instant(String value) {
        try {
            long seconds = value.chars().allMatch(Character::isDigit)
                    ? Long.parseLong(value)
                    : Instant.parse(value).getEpochSecond();
            return Fields.epochSecond("since", seconds);
        } catch (DateTimeException | NumberFormatException e) {
            throw ApiException.invalid(
                    "since", "invalid_value", "'since' must be Unix seconds or an ISO-8601 instant.");
        }
    }

    private static int limit(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX_AUDIT_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw ApiException.invalid("limit", "invalid_value", "'limit' must be between 1 and " + MAX_AUDIT_LIMIT + ".");
    }

    private static Mono<ServerResponse> ok(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(SpecJson.bytes(body));
    }
}
