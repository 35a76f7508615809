package io.modelgateway.gateway.console.internal;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Monthly statements per tenant (view, download as JSON or CSV, close after a confirmation) and the
 * reconciliation report over a range, from the finance API.
 */
public final class Statements {

    private static final String ORG = "/v1/organization";

    private final GatewayApi api;
    private final Usage usage;
    private final Clock clock;

    public Statements(GatewayApi api, Usage usage, Clock clock) {
        this.api = api;
        this.usage = usage;
        this.clock = clock;
    }

    public Mono<ServerResponse> page(ServerRequest req) {
        Session s = Guard.session(req);
        return render(
                        s,
                        Tenants.chosen(req, s),
                        req.queryParam("period").orElse(null),
                        req.queryParam("done").orElse(null),
                        null)
                .flatMap(Html::ok);
    }

    public Mono<ServerResponse> close(ServerRequest req) {
        Session s = Guard.session(req);
        return req.formData().flatMap(form -> {
            String tenant = Credits.value(form, "tenant");
            String period = Credits.value(form, "period");
            if (tenant == null || period(period) == null) {
                return Html.refused(HttpStatus.BAD_REQUEST, "Name a tenant and a month.");
            }
            if (!"yes".equals(form.getFirst("confirm"))) {
                return render(
                                s,
                                tenant,
                                period,
                                null,
                                "Tick the confirmation to close the month: a closed statement never changes.")
                        .flatMap(html -> Html.respond(HttpStatus.BAD_REQUEST, html));
            }
            return api.post(s, statement(tenant, period) + "/close", Map.of(), null)
                    .flatMap(a -> a.ok()
                            ? ServerResponse.seeOther(URI.create(Query.of("/console/statements")
                                            .with("tenant", tenant)
                                            .with("period", period)
                                            .with("done", "Statement closed.")
                                            .toString()))
                                    .build()
                            : render(s, tenant, period, null, "Not closed. " + a.problem())
                                    .flatMap(html -> Html.respond(HttpStatus.valueOf(a.status()), html)));
        });
    }

    public Mono<ServerResponse> download(ServerRequest req) {
        Session s = Guard.session(req);
        String tenant = Tenants.chosen(req, s);
        YearMonth period = period(req.queryParam("period").orElse(null));
        String format =
                req.queryParam("format").filter(Set.of("json", "csv")::contains).orElse("json");
        if (tenant == null || period == null) {
            return Html.refused(HttpStatus.BAD_REQUEST, "Name a tenant and a month.");
        }
        return usage.download(
                req,
                statement(tenant, period.toString()) + (format.equals("csv") ? "?format=csv" : ""),
                "statement-" + tenant + "-" + period + "." + format);
    }

    public Mono<ServerResponse> reconciliation(ServerRequest req) {
        Session s = Guard.session(req);
        Range r = Range.of(req, clock);
        String tenant = req.queryParam("tenant")
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .orElse(null);
        String form = "<form method=\"get\" action=\"/console/reconciliation\" class=\"filters\" aria-label=\"Range\">"
                + r.inputs()
                + "<div class=\"field\"><label for=\"tenant\">Tenant (optional)</label><input id=\"tenant\" "
                + "name=\"tenant\" value=\"" + Html.esc(tenant) + "\"></div><button type=\"submit\">Run</button></form>"
                + Html.notice(r.problem());
        String q = Query.of(ORG + "/reconciliation")
                .with("start_time", r.start())
                .with("end_time", r.end())
                .with("project_ids", tenant)
                .toString();
        return api.get(s, q)
                .flatMap(a -> Html.ok(Html.page(
                        "Reconciliation",
                        s,
                        form + (a.ok() ? differences(a.body()) : Html.alert(a.problem())),
                        false)));
    }

    private static String differences(JsonNode v) {
        StringBuilder b = new StringBuilder("<dl class=\"totals\" id=\"reconciliation\">");
        for (String f : List.of("records_checked", "rollups_checked", "tenants_checked", "differences_found")) {
            b.append("<div><dt>")
                    .append(f.replace('_', ' '))
                    .append("</dt><dd id=\"rec-")
                    .append(f)
                    .append("\">")
                    .append(v.get(f).asLong())
                    .append("</dd></div>");
        }
        b.append("</dl>").append(v.get("clean").asBoolean() ? Html.notice("Clean: no differences.") : "");
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode d : v.get("differences")) {
            rows.add(List.of(
                    Html.esc(d.get("kind").asString()),
                    Html.esc(d.get("project_id").asString()),
                    Html.esc(d.get("subject").asString()),
                    Overview.num(d.get("stored").asLong()),
                    Overview.num(d.get("recomputed").asLong()),
                    Overview.num(d.get("difference").asLong())));
        }
        return b
                + Html.table(
                        "differences",
                        "Differences (micro-units)",
                        List.of("Kind", "Tenant", "Subject", "Stored", "Recomputed", "Difference"),
                        rows);
    }

    private Mono<String> render(Session s, String tenant, String periodText, String done, String problem) {
        YearMonth period = periodText == null || periodText.isBlank()
                ? YearMonth.now(clock.withZone(ZoneOffset.UTC))
                : period(periodText);
        StringBuilder b = new StringBuilder(
                        "<form method=\"get\" action=\"/console/statements\" class=\"filters\" aria-label=\"Statement\">")
                .append(
                        "<div class=\"field\"><label for=\"tenant\">Tenant</label><input id=\"tenant\" name=\"tenant\" value=\"")
                .append(Html.esc(tenant))
                .append("\"")
                .append(s.role().platform() ? "" : " readonly")
                .append("></div>")
                .append(
                        "<div class=\"field\"><label for=\"period\">Month</label><input id=\"period\" name=\"period\" type=\"month\" value=\"")
                .append(period == null ? "" : period)
                .append("\" placeholder=\"YYYY-MM\"></div><button type=\"submit\">Show</button></form>");
        if (s.role().platform()) {
            b.append("<p><a href=\"/console/reconciliation\">Reconciliation over a range</a></p>");
        }
        b.append(Html.notice(done)).append(Html.alert(problem));
        if (period == null) {
            return Mono.just(Html.page(
                    "Statements", s, b.append(Html.alert("Months are YYYY-MM.")).toString(), false));
        }
        if (tenant == null) {
            return Mono.just(Html.page(
                    "Statements", s, b.append("<p>Choose a tenant.</p>").toString(), false));
        }
        return api.get(s, statement(tenant, period.toString())).map(a -> {
            if (!a.ok()) {
                b.append(Html.alert(a.problem()));
            } else {
                statement(b, s, a.body(), tenant, period);
            }
            return Html.page("Statement of " + tenant + ", " + period, s, b.toString(), false);
        });
    }

    private static void statement(StringBuilder b, Session s, JsonNode v, String tenant, YearMonth period) {
        String currency = v.get("currency").asString();
        b.append("<dl class=\"totals\" id=\"statement\">")
                .append(item("status", "Status", v.get("status").asString()))
                .append(item(
                        "opening",
                        "Opening balance (" + currency + ")",
                        v.get("opening_balance").get("amount").asString()))
                .append(item("credits", "Credits", v.get("credits").get("total").asString()))
                .append(item("usage", "Usage", v.get("usage").get("total").asString()))
                .append(item(
                        "adjustments",
                        "Adjustments",
                        v.get("adjustments").get("total").asString()))
                .append(item(
                        "closing",
                        "Closing balance (" + currency + ")",
                        v.get("closing_balance").get("amount").asString()))
                .append("</dl>");
        String q = Query.of("/console/statements/download")
                .with("tenant", tenant)
                .with("period", period)
                .toString();
        b.append("<p class=\"downloads\"><a id=\"statement-json\" href=\"")
                .append(Html.esc(q + "&format=json"))
                .append("\">Download JSON</a> <a id=\"statement-csv\" href=\"")
                .append(Html.esc(q + "&format=csv"))
                .append("\">Download CSV</a></p>");
        b.append("<h2>Credits</h2>")
                .append(entries("statement-credits", v.get("credits")))
                .append("<h2>Usage</h2>")
                .append(usageLines(v.get("usage")))
                .append("<h2>Adjustments</h2>")
                .append(entries("statement-adjustments", v.get("adjustments")));
        if (s.role().platform() && "open".equals(v.get("status").asString())) {
            b.append("<section aria-labelledby=\"close-h\"><h2 id=\"close-h\">Close the month</h2>")
                    .append(
                            "<form method=\"post\" action=\"/console/statements/close\" class=\"card narrow\" id=\"close\" ")
                    .append("data-confirm=\"Close ")
                    .append(Html.esc(tenant))
                    .append("'s statement for ")
                    .append(period)
                    .append("? A closed statement never changes.\">")
                    .append(Html.csrf(s))
                    .append("<input type=\"hidden\" name=\"tenant\" value=\"")
                    .append(Html.esc(tenant))
                    .append("\">")
                    .append("<input type=\"hidden\" name=\"period\" value=\"")
                    .append(period)
                    .append("\">")
                    .append("<label class=\"check\"><input type=\"checkbox\" name=\"confirm\" value=\"yes\" required> ")
                    .append("I understand that a closed statement is stored for good and never changes.</label>")
                    .append("<button type=\"submit\" class=\"danger\">Close ")
                    .append(period)
                    .append("</button></form></section>");
        }
    }

    private static String item(String id, String label, String value) {
        return "<div><dt>" + Html.esc(label) + "</dt><dd id=\"statement-" + id + "\">" + Html.esc(value)
                + "</dd></div>";
    }

    private static String entries(String id, JsonNode section) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode l : section.get("lines")) {
            rows.add(List.of(
                    Html.esc(Instant.ofEpochSecond(l.get("created_at").asLong())
                            .atOffset(ZoneOffset.UTC)
                            .toLocalDate()),
                    Html.esc(l.get("kind").asString()),
                    Html.esc(l.get("description").asString()),
                    Overview.num(l.get("amount").asString())));
        }
        return Html.table(
                id, "Total " + section.get("total").asString(), List.of("Day", "Kind", "Description", "Amount"), rows);
    }

    private static String usageLines(JsonNode section) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode l : section.get("lines")) {
            rows.add(List.of(
                    Html.esc(l.get("line_item").asString()),
                    Overview.num(l.get("quantity").asLong()),
                    Overview.num(
                            l.get("unit_price").isNull()
                                    ? ""
                                    : l.get("unit_price").asString()),
                    Overview.num(l.get("amount").asString())));
        }
        return Html.table(
                "statement-usage",
                "Total " + section.get("total").asString(),
                List.of("Line item", "Quantity", "Unit price", "Amount"),
                rows);
    }

    private static String statement(String tenant, String period) {
        return ORG + "/statements/" + Query.path(tenant) + "/" + Query.path(period);
    }

    private static YearMonth period(String text) {
        try {
            return text == null ? null : YearMonth.parse(text.trim());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
