package io.modelgateway.gateway.console.internal;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Tenants and keys through the admin API: create tenants, issue keys (the key is shown once, on the
 * answer to the form, never again), rotate and revoke them, suspend and activate tenants, set limits, and
 * see a tenant's effective compliance policy.
 */
public final class TenantAdmin {

    private static final String V1 = "/admin/v1";

    private final GatewayApi api;

    public TenantAdmin(GatewayApi api) {
        this.api = api;
    }

    public Mono<ServerResponse> list(ServerRequest req) {
        Session s = Guard.session(req);
        return list(s, req.queryParam("done").orElse(null), null).flatMap(Html::ok);
    }

    private Mono<String> list(Session s, String done, String problem) {
        return api.get(s, V1 + "/tenants").map(a -> {
            StringBuilder b = new StringBuilder(Html.notice(done)).append(Html.alert(problem));
            if (!a.ok()) {
                return Html.page(
                        "Tenants and keys", s, b.append(Html.alert(a.problem())).toString(), false);
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode t : a.body().get("data")) {
                String id = t.get("id").asString();
                rows.add(List.of(
                        "<a href=\"/console/tenants/" + Html.esc(Query.path(id)) + "\">" + Html.esc(id) + "</a>",
                        Html.esc(t.path("name").asString()),
                        Html.esc(t.path("status").asString()),
                        Html.esc(String.join(", ", Fleet.strings(t.path("deployments"))))));
            }
            b.append(Html.table("tenants", "Every tenant", List.of("Tenant", "Name", "Status", "Deployments"), rows))
                    .append(
                            "<h2>Create a tenant</h2><form method=\"post\" action=\"/console/tenants\" class=\"card narrow\" id=\"create-tenant\">")
                    .append(Html.csrf(s))
                    .append(input("new-id", "id", "Id (letters, digits, - and _)", true))
                    .append(input("new-name", "name", "Name", true))
                    .append(input("new-deployments", "deployments", "Deployments (comma-separated, * for all)", false))
                    .append("<button type=\"submit\">Create tenant</button></form>");
            return Html.page("Tenants and keys", s, b.toString(), false);
        });
    }

    public Mono<ServerResponse> create(ServerRequest req) {
        Session s = Guard.session(req);
        return req.formData().flatMap(form -> {
            String id = Credits.value(form, "id");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("name", Credits.value(form, "name"));
            body.put("deployments", split(Credits.value(form, "deployments")));
            return api.post(s, V1 + "/tenants", body, null)
                    .flatMap(a -> a.ok()
                            ? redirect(id, "Tenant created.")
                            : list(s, null, "Not created. " + a.problem())
                                    .flatMap(html -> Html.respond(HttpStatus.valueOf(a.status()), html)));
        });
    }

    public Mono<ServerResponse> tenant(ServerRequest req) {
        Session s = Guard.session(req);
        return tenant(s, req.pathVariable("tenant"), req.queryParam("done").orElse(null), null, null)
                .flatMap(Html::ok);
    }

    private Mono<String> tenant(Session s, String id, String done, String problem, JsonNode issued) {
        String t = V1 + "/tenants/" + Query.path(id);
        return Mono.zip(
                        api.get(s, t),
                        api.get(s, t + "/keys"),
                        api.get(s, t + "/limits"),
                        api.get(s, t + "/policy/effective"))
                .map(z -> {
                    StringBuilder b = new StringBuilder("<p><a href=\"/console/tenants\">All tenants</a></p>")
                            .append(Html.notice(done))
                            .append(Html.alert(problem));
                    if (issued != null) {
                        b.append(
                                        "<section class=\"card\" aria-labelledby=\"issued-h\"><h2 id=\"issued-h\">New key: copy it now</h2>")
                                .append(
                                        "<p>It is shown this once; the gateway keeps only its hash.</p><p class=\"secret\" id=\"issued-key\">")
                                .append(Html.esc(issued.get("key").asString()))
                                .append("</p></section>");
                    }
                    if (!z.getT1().ok()) {
                        return Html.page(
                                "Tenant " + id,
                                s,
                                b.append(Html.alert(z.getT1().problem())).toString(),
                                false);
                    }
                    details(b, s, id, z.getT1().body());
                    keys(b, s, id, z.getT2());
                    limits(b, s, id, z.getT3());
                    b.append("<h2>Effective compliance policy</h2>")
                            .append(
                                    z.getT4().ok()
                                            ? "<pre id=\"policy\">"
                                                    + Html.esc(z.getT4().body().toPrettyString()) + "</pre>"
                                            : Html.alert(z.getT4().problem()));
                    return Html.page("Tenant " + id, s, b.toString(), false);
                });
    }

    private static void details(StringBuilder b, Session s, String id, JsonNode t) {
        String status = t.path("status").asString();
        b.append("<dl class=\"totals\"><div><dt>Name</dt><dd>")
                .append(Html.esc(t.path("name").asString()))
                .append("</dd></div><div><dt>Status</dt><dd id=\"tenant-status\">")
                .append(Html.esc(status))
                .append("</dd></div><div><dt>Deployments</dt><dd>")
                .append(Html.esc(String.join(", ", Fleet.strings(t.path("deployments")))))
                .append("</dd></div></dl>");
        String action = "active".equals(status) ? "suspend" : "activate";
        b.append("<form method=\"post\" action=\"/console/tenants/")
                .append(Html.esc(Query.path(id)))
                .append("/")
                .append(action)
                .append("\" data-confirm=\"")
                .append(
                        action.equals("suspend")
                                ? "Suspend " + Html.esc(id) + "? Its calls are refused at once."
                                : "Activate " + Html.esc(id) + "?")
                .append("\">")
                .append(Html.csrf(s))
                .append("<button type=\"submit\"")
                .append(action.equals("suspend") ? " class=\"danger\"" : "")
                .append(">")
                .append(action.equals("suspend") ? "Suspend tenant" : "Activate tenant")
                .append("</button></form>");
    }

    private static void keys(StringBuilder b, Session s, String id, GatewayApi.Answer keys) {
        b.append("<h2>Keys</h2>");
        if (!keys.ok()) {
            b.append(Html.alert(keys.problem()));
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode k : keys.body().get("data")) {
            String kid = k.get("id").asString();
            boolean revoked =
                    !k.path("revoked_at").isNull() && !k.path("revoked_at").isMissingNode();
            String actions = revoked
                    ? "revoked"
                    : keyForm(s, kid, "rotate", "Rotate (1 h grace)") + keyForm(s, kid, "revoke", "Revoke");
            rows.add(List.of(
                    Html.esc(kid),
                    Html.esc(k.path("name").asString()),
                    Html.esc("…" + k.path("last_four").asString()),
                    Html.esc(String.join(", ", Fleet.strings(k.path("scopes")))),
                    Html.esc(time(k.path("last_used_at"))),
                    Html.esc(time(k.path("expires_at"))),
                    actions));
        }
        b.append(Html.table(
                "keys",
                "The tenant's keys (never the secret)",
                List.of("Id", "Name", "Ends in", "Scopes", "Last used", "Expires", "Actions"),
                rows));
        b.append("<h3>Issue a key</h3><form method=\"post\" action=\"/console/tenants/")
                .append(Html.esc(Query.path(id)))
                .append("/keys\" class=\"card narrow\" id=\"issue-key\">")
                .append(Html.csrf(s))
                .append(input("key-name", "name", "Name", true))
                .append(
                        "<fieldset><legend>Scopes</legend><label class=\"check\"><input type=\"checkbox\" name=\"scopes\" value=\"inference\" checked> inference</label>")
                .append(
                        "<label class=\"check\"><input type=\"checkbox\" name=\"scopes\" value=\"usage.read\"> usage.read</label></fieldset>")
                .append("<button type=\"submit\">Issue key</button></form>");
    }

    private static String keyForm(Session s, String key, String action, String label) {
        return "<form method=\"post\" class=\"inline\" action=\"/console/keys/" + Html.esc(Query.path(key)) + "/"
                + action + "\" data-confirm=\""
                + Html.esc(label + " " + key + "?") + "\">" + Html.csrf(s) + "<button type=\"submit\""
                + (action.equals("revoke") ? " class=\"danger\"" : "")
                + ">" + Html.esc(label) + "</button></form>";
    }

    private static void limits(StringBuilder b, Session s, String id, GatewayApi.Answer limits) {
        b.append("<h2>Limits</h2>");
        if (limits.ok()) {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode l : limits.body().path("data")) {
                rows.add(List.of(
                        Html.esc(l.path("deployment").asString()),
                        limit(l.path("rpm")),
                        limit(l.path("tpm")),
                        limit(l.path("override").path("rpm")),
                        limit(l.path("override").path("tpm")),
                        limit(l.path("default").path("rpm")),
                        limit(l.path("default").path("tpm"))));
            }
            b.append(Html.table(
                    "limits",
                    "Limits per deployment (none = unlimited)",
                    List.of(
                            "Deployment",
                            "RPM in force",
                            "TPM in force",
                            "RPM override",
                            "TPM override",
                            "RPM default",
                            "TPM default"),
                    rows));
        } else {
            b.append(Html.alert(limits.problem()));
        }
        b.append("<form method=\"post\" action=\"/console/tenants/")
                .append(Html.esc(Query.path(id)))
                .append("/limits\" class=\"card narrow\" id=\"set-limits\">")
                .append(Html.csrf(s))
                .append(input("limit-deployment", "deployment", "Deployment", true))
                .append(input("limit-rpm", "rpm", "Requests per minute (blank = default)", false))
                .append(input("limit-tpm", "tpm", "Tokens per minute (blank = default)", false))
                .append("<button type=\"submit\">Set limits</button></form>");
    }

    public Mono<ServerResponse> issueKey(ServerRequest req) {
        Session s = Guard.session(req);
        String id = req.pathVariable("tenant");
        return req.formData().flatMap(form -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", Credits.value(form, "name"));
            body.put("scopes", form.getOrDefault("scopes", List.of()));
            return api.post(s, V1 + "/tenants/" + Query.path(id) + "/keys", body, null)
                    .flatMap(a -> a.ok()
                            ? tenant(s, id, "Key issued.", null, a.body())
                                    .flatMap(html -> Html.respond(HttpStatus.CREATED, html))
                            : failed(s, id, "Not issued. ", a));
        });
    }

    public Mono<ServerResponse> status(ServerRequest req) {
        Session s = Guard.session(req);
        String id = req.pathVariable("tenant");
        String action = req.pathVariable("action");
        if (!action.equals("suspend") && !action.equals("activate")) {
            return Html.refused(HttpStatus.NOT_FOUND, "No such action.");
        }
        return api.post(s, V1 + "/tenants/" + Query.path(id) + "/" + action, Map.of(), null)
                .flatMap(a -> a.ok()
                        ? redirect(id, "Tenant " + action + (action.endsWith("e") ? "d." : "ed."))
                        : failed(s, id, "", a));
    }

    public Mono<ServerResponse> setLimits(ServerRequest req) {
        Session s = Guard.session(req);
        String id = req.pathVariable("tenant");
        return req.formData().flatMap(form -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("rpm", number(form, "rpm"));
            body.put("tpm", number(form, "tpm"));
            String deployment = Credits.value(form, "deployment");
            return api.send(
                            s,
                            HttpMethod.PUT,
                            V1 + "/tenants/" + Query.path(id) + "/limits/"
                                    + Query.path(deployment == null ? "" : deployment),
                            body,
                            null)
                    .flatMap(a -> a.ok() ? redirect(id, "Limits set.") : failed(s, id, "Limits not set. ", a));
        });
    }

    public Mono<ServerResponse> key(ServerRequest req) {
        Session s = Guard.session(req);
        String key = req.pathVariable("key");
        String action = req.pathVariable("action");
        if (!action.equals("rotate") && !action.equals("revoke")) {
            return Html.refused(HttpStatus.NOT_FOUND, "No such action.");
        }
        Object body = action.equals("rotate") ? Map.of("grace_seconds", 3600) : Map.of();
        return api.post(s, V1 + "/keys/" + Query.path(key) + "/" + action, body, null)
                .flatMap(a -> {
                    if (!a.ok()) {
                        return Html.ok(Html.page("Keys", s, Html.alert(a.problem()), false));
                    }
                    String tenant = a.body().path("tenant_id").asString();
                    return action.equals("rotate")
                            ? tenant(s, tenant, "Key rotated: the old key works for one more hour.", null, a.body())
                                    .flatMap(html -> Html.respond(HttpStatus.CREATED, html))
                            : redirect(tenant, "Key revoked.");
                });
    }

    private Mono<ServerResponse> failed(Session s, String id, String what, GatewayApi.Answer a) {
        return tenant(s, id, null, what + a.problem(), null)
                .flatMap(html -> Html.respond(HttpStatus.valueOf(a.status()), html));
    }

    private static Mono<ServerResponse> redirect(String tenant, String done) {
        return ServerResponse.seeOther(URI.create(Query.of("/console/tenants/" + Query.path(tenant))
                        .with("done", done)
                        .toString()))
                .build();
    }

    private static Object number(MultiValueMap<String, String> form, String name) {
        String v = Credits.value(form, name);
        try {
            return v == null ? null : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return v; // the API names the bad field
        }
    }

    private static List<String> split(String list) {
        return list == null
                ? List.of()
                : Arrays.stream(list.split(","))
                        .map(String::trim)
                        .filter(x -> !x.isEmpty())
                        .toList();
    }

    private static String limit(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? "none" : Overview.num(n.asLong());
    }

    private static String time(JsonNode seconds) {
        return seconds.isMissingNode() || seconds.isNull()
                ? ""
                : Instant.ofEpochSecond(seconds.asLong()).toString();
    }

    private static String input(String id, String name, String label, boolean required) {
        return "<label for=\"" + id + "\">" + Html.esc(label) + "</label><input id=\"" + id + "\" name=\"" + name + "\""
                + (required ? " required" : "") + ">";
    }
}
