package io.modelgateway.gateway.console.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Deployments (admin API), their readiness and each pool's replicas with readiness, in-flight calls and
 * breaker state (the health report's {@code backends} component), and the latest content-filter hits
 * (the audit trail). The page reloads itself every few seconds.
 */
public final class Fleet {

    static final int REFRESH_SECONDS = 10;

    private final GatewayApi api;
    private final Clock clock;

    public Fleet(GatewayApi api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    public Mono<ServerResponse> page(ServerRequest req) {
        Session s = Guard.session(req);
        return api.get(s, "/admin/v1/deployments").flatMap(deployments -> {
            if (!deployments.ok()) {
                return Html.ok(Html.page("Fleet", s, Html.alert(deployments.problem()), false));
            }
            return Mono.zip(api.health(), api.get(s, "/admin/v1/audit?limit=20"))
                    .flatMap(t -> Html.ok(Html.page(
                            "Fleet", s, render(deployments.body(), t.getT1(), t.getT2(), clock.instant()), false)));
        });
    }

    private static String render(JsonNode deployments, GatewayApi.Answer health, GatewayApi.Answer audit, Instant now) {
        JsonNode backends = health.body() == null
                ? null
                : health.body().path("components").path("backends").path("details");
        JsonNode states = backends == null ? null : backends.path("deployments");
        StringBuilder b = new StringBuilder("<p class=\"help\" id=\"refresh\" data-refresh=\"")
                .append(REFRESH_SECONDS)
                .append("\">Refreshes every ")
                .append(REFRESH_SECONDS)
                .append(" s. Last: ")
                .append(now.toString(), 0, 19)
                .append(" UTC.</p><h2>Deployments</h2>");
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode d : deployments.get("data")) {
            String name = d.get("id").asString();
            String state = states == null || states.get(name) == null
                    ? "unknown"
                    : states.get(name).asString();
            rows.add(List.of(
                    Html.esc(name),
                    Html.esc(state),
                    Html.esc(d.path("kind").asString()),
                    Html.esc(d.path("backend").asString()),
                    Html.esc(d.path("model").asString()),
                    Html.esc(d.path("source").asString()),
                    Html.esc(String.join(", ", strings(d.path("tenants"))))));
        }
        b.append(Html.table(
                "deployments",
                "Every deployment and whether its model is ready",
                List.of(
                        "Deployment",
                        "State",
                        "Kind",
                        "Backend",
                        "Model",
                        "Defined in",
                        "Tenants (besides all-deployment tenants)"),
                rows));
        b.append("<h2>Pools and replicas</h2>");
        List<List<String>> replicas = new ArrayList<>();
        JsonNode pools = backends == null ? null : backends.path("pools");
        if (pools != null && pools.isObject()) {
            for (Map.Entry<String, JsonNode> pool : pools.properties()) {
                for (JsonNode r : pool.getValue()) {
                    replicas.add(List.of(
                            Html.esc(pool.getKey()),
                            Html.esc(r.path("endpoint").asString()),
                            r.path("ready").asBoolean() ? "ready" : "<strong>not ready</strong>",
                            Overview.num(r.path("outstanding").asLong()),
                            Html.esc(r.path("breaker").asString())));
                }
            }
        } else {
            b.append(Html.alert("The health report is not available (" + health.status() + ")."));
        }
        b.append(Html.table(
                "replicas",
                "Each pool's replicas",
                List.of("Pool", "Replica", "Readiness", "Calls in flight", "Breaker"),
                replicas));
        b.append("<h2>Recent content-filter hits</h2>");
        List<List<String>> hits = new ArrayList<>();
        if (audit.ok()) {
            for (JsonNode h : audit.body().get("data")) {
                hits.add(List.of(
                        Html.esc(Instant.ofEpochSecond(h.path("created_at").asLong())),
                        Html.esc(h.path("tenant").asString()),
                        Html.esc(h.path("deployment").asString()),
                        Html.esc(h.path("rule").asString()),
                        Html.esc(h.path("action").asString()),
                        Html.esc(h.path("target").asString())));
            }
        } else {
            b.append(Html.alert(audit.problem()));
        }
        return b.append(Html.table(
                        "audit",
                        "The last 20 audit records",
                        List.of("When (UTC)", "Tenant", "Deployment", "Rule", "Action", "Where"),
                        hits))
                .toString();
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }
}
