package io.modelgateway.gateway.console.internal;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A tenant's balance, open holds and ledger (the balance API under {@code /v1/organization/projects}),
 * and for finance and admin the top-up, grant and adjustment forms, each with an idempotency key made when
 * the form is drawn (so a form sent twice books once).
 */
public final class Credits {

    private static final Map<String, String> KINDS =
            Map.of("top-ups", "Top-up", "grants", "Grant", "adjustments", "Adjustment");

    private final GatewayApi api;
    private final Clock clock;

    public Credits(GatewayApi api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    public Mono<ServerResponse> page(ServerRequest req) {
        Session s = Guard.session(req);
        String tenant = Tenants.chosen(req, s);
        String done = req.queryParam("done").orElse(null);
        return render(s, tenant, done, null).flatMap(html -> Html.ok(html));
    }

    public Mono<ServerResponse> post(ServerRequest req) {
        Session s = Guard.session(req);
        String kind = req.pathVariable("kind");
        if (!KINDS.containsKey(kind)) {
            return Html.refused(HttpStatus.NOT_FOUND, "No such credit form.");
        }
        return req.formData().flatMap(form -> {
            String tenant = value(form, "tenant");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("amount", value(form, "amount"));
            if (value(form, "note") != null) {
                body.put("note", value(form, "note"));
            }
            return api.post(
                            s,
                            "/v1/organization/projects/" + Query.path(tenant == null ? "" : tenant) + "/credits/"
                                    + kind,
                            body,
                            value(form, "idempotency_key"))
                    .flatMap(answer -> answer.ok()
                            ? ServerResponse.seeOther(URI.create(Query.of("/console/credits")
                                            .with("tenant", tenant)
                                            .with(
                                                    "done",
                                                    KINDS.get(kind) + " booked: entry "
                                                            + answer.body()
                                                                    .get("id")
                                                                    .asLong()
                                                            + (answer.status() == 200
                                                                    ? " (already booked with this idempotency key)"
                                                                    : ""))
                                            .toString()))
                                    .build()
                            : render(s, tenant, null, KINDS.get(kind) + " refused. " + answer.problem())
                                    .flatMap(html -> Html.respond(HttpStatus.valueOf(answer.status()), html)));
        });
    }

    private Mono<String> render(Session s, String tenant, String done, String problem) {
        StringBuilder b = new StringBuilder(Tenants.picker(s, "/console/credits", tenant));
        b.append(Html.notice(done)).append(Html.alert(problem));
        if (tenant == null) {
            return balances(s)
                    .map(table -> Html.page("Credits", s, b.append(table).toString(), false));
        }
        String base = "/v1/organization/projects/" + Query.path(tenant) + "/credits";
        return Mono.zip(api.get(s, base), api.get(s, base + "/ledger?limit=50")).map(t -> {
            if (!t.getT1().ok() || !t.getT2().ok()) {
                b.append(Html.alert((t.getT1().ok() ? t.getT2() : t.getT1()).problem()));
            } else {
                balance(b, t.getT1().body());
                ledger(b, t.getT2().body());
                if (s.role().platform()) {
                    forms(b, s, tenant);
                }
            }
            return Html.page("Credits of " + tenant, s, b.toString(), false);
        });
    }

    /**
     * For finance and admin before a tenant is chosen: the balances of the tenants the admin API lists (or,
     * for finance, which has no tenant list, the tenants with costs in the last 31 days), at most
     * {@link #LISTED}.
     */
    private Mono<String> balances(Session s) {
        Mono<List<String>> tenants = s.role() == Role.ADMIN
                ? api.get(s, "/admin/v1/tenants").map(a -> a.ok() ? ids(a.body(), "id") : List.<String>of())
                : api.get(
                                s,
                                Query.of("/v1/organization/costs")
                                        .with("start_time", last31Days())
                                        .with("group_by", "project_id")
                                        .with("limit", Range.MAX_DAYS)
                                        .toString())
                        .map(a -> a.ok() ? costTenants(a.body()) : List.<String>of());
        return tenants.flatMapMany(ids -> reactor.core.publisher.Flux.fromIterable(
                        ids.stream().limit(LISTED).toList()))
                .flatMapSequential(
                        t -> api.get(s, "/v1/organization/projects/" + Query.path(t) + "/credits")
                                .map(a -> Map.entry(t, a)),
                        4)
                .filter(e -> e.getValue().ok())
                .map(e -> {
                    JsonNode v = e.getValue().body();
                    return List.of(
                            "<a href=\"" + Html.esc(Query.of("/console/credits").with("tenant", e.getKey())) + "\">"
                                    + Html.esc(e.getKey()) + "</a>",
                            Html.esc(v.get("account").asBoolean() ? "yes" : "no"),
                            Overview.num(v.path("balance").asString()),
                            Overview.num(v.path("held").asString()),
                            Overview.num(v.path("available").asString("")));
                })
                .collectList()
                .map(rows -> "<h2>Balances</h2>"
                        + Html.table(
                                "balances",
                                "Choose a tenant for its ledger and booking forms",
                                List.of("Tenant", "Credit account", "Balance", "Open holds", "Available"),
                                rows));
    }

    static final int LISTED = 50;

    private long last31Days() {
        return clock.instant().getEpochSecond() - (Range.MAX_DAYS - 1) * 86_400L; // 31 daily buckets, today the last
    }

    private static List<String> ids(JsonNode list, String field) {
        List<String> out = new ArrayList<>();
        list.path("data").forEach(n -> out.add(n.get(field).asString()));
        return out;
    }

    private static List<String> costTenants(JsonNode page) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        page.path("data")
                .forEach(b -> b.path("results")
                        .forEach(r -> out.add(r.path("project_id").asString())));
        return new ArrayList<>(out);
    }

    private static void balance(StringBuilder b, JsonNode v) {
        String currency = v.get("currency").asString();
        b.append("<section aria-labelledby=\"balance-h\"><h2 id=\"balance-h\">Balance</h2>");
        if (!v.get("account").asBoolean()) {
            b.append("<p>No credit account: this tenant is served without holds.</p>");
        }
        b.append("<dl class=\"totals\" id=\"balance\">");
        for (String field : List.of("balance", "available", "held", "credits", "usage")) {
            if (v.has(field)) {
                b.append("<div><dt>")
                        .append(label(field))
                        .append(" (")
                        .append(Html.esc(currency))
                        .append(")</dt><dd id=\"credit-")
                        .append(field)
                        .append("\">")
                        .append(Html.esc(v.get(field).asString()))
                        .append("</dd></div>");
            }
        }
        b.append(
                "</dl><p class=\"help\">Held: the most the calls now open can still cost (their holds are released when they end).</p></section>");
    }

    private static String label(String field) {
        return switch (field) {
            case "balance" -> "Balance";
            case "available" -> "Available to spend now";
            case "held" -> "Open holds";
            case "credits" -> "Credits booked";
            default -> "Usage charged";
        };
    }

    private static void ledger(StringBuilder b, JsonNode list) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode e : list.get("data")) {
            rows.add(List.of(
                    Html.esc(e.get("id").asLong()),
                    Html.esc(Instant.ofEpochSecond(e.get("created_at").asLong())
                            .atOffset(ZoneOffset.UTC)
                            .toString()),
                    Html.esc(e.get("kind").asString()),
                    Overview.num(e.get("amount").asString()),
                    Html.esc(
                            e.get("expires_at").isNull()
                                    ? ""
                                    : Instant.ofEpochSecond(e.get("expires_at").asLong())
                                            .toString()),
                    Html.esc(e.get("note").isNull() ? "" : e.get("note").asString())));
        }
        b.append("<section aria-labelledby=\"ledger-h\"><h2 id=\"ledger-h\">Ledger</h2>")
                .append(Html.table(
                        "ledger",
                        "The last 50 credit entries, newest first",
                        List.of("Entry", "Booked (UTC)", "Kind", "Amount", "Expires", "Note"),
                        rows))
                .append("</section>");
    }

    private static void forms(StringBuilder b, Session s, String tenant) {
        b.append("<section aria-labelledby=\"book-h\"><h2 id=\"book-h\">Book credits</h2><div class=\"columns\">");
        form(b, s, tenant, "top-ups", "Top-up", false);
        form(b, s, tenant, "grants", "Grant", false);
        form(b, s, tenant, "adjustments", "Adjustment (may be negative)", true);
        b.append("</div></section>");
    }

    private static void form(
            StringBuilder b, Session s, String tenant, String kind, String title, boolean noteRequired) {
        String id = kind.replace("-", "");
        b.append("<form method=\"post\" class=\"card\" id=\"form-")
                .append(kind)
                .append("\" action=\"/console/credits/")
                .append(kind)
                .append("\" aria-labelledby=\"")
                .append(id)
                .append("-h\"><h3 id=\"")
                .append(id)
                .append("-h\">")
                .append(Html.esc(title))
                .append("</h3>")
                .append(Html.csrf(s))
                .append("<input type=\"hidden\" name=\"tenant\" value=\"")
                .append(Html.esc(tenant))
                .append("\">")
                .append("<input type=\"hidden\" name=\"idempotency_key\" value=\"console-")
                .append(UUID.randomUUID())
                .append("\">")
                .append("<label for=\"")
                .append(id)
                .append("-amount\">Amount</label><input id=\"")
                .append(id)
                .append(
                        "-amount\" name=\"amount\" inputmode=\"decimal\" required pattern=\"-?[0-9]+(\\.[0-9]{1,6})?\">")
                .append("<label for=\"")
                .append(id)
                .append("-note\">Note")
                .append(noteRequired ? " (required)" : "")
                .append("</label><input id=\"")
                .append(id)
                .append("-note\" name=\"note\"")
                .append(noteRequired ? " required" : "")
                .append("><button type=\"submit\">Book ")
                .append(Html.esc(title.split(" ")[0].toLowerCase()))
                .append("</button></form>");
    }

    static String value(MultiValueMap<String, String> form, String name) {
        String v = form.getFirst(name);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
