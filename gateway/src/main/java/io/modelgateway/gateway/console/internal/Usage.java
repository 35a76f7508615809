package io.modelgateway.gateway.console.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The Usage and Costs APIs as tables with the same filters and groupings (tenant, model, key, bucket
 * width), and their CSV: the view on screen ({@code format=csv} of the same query) and the raw records.
 */
public final class Usage {

    private static final String ORG = "/v1/organization";
    private static final List<String> REPORTS = List.of("completions", "embeddings", "costs");
    private static final List<String> USAGE_GROUPS = List.of("project_id", "model", "api_key_id");
    private static final List<String> COST_GROUPS = List.of("project_id", "line_item");

    private final GatewayApi api;
    private final Clock clock;

    public Usage(GatewayApi api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    /** The page's choices, read from its query string. */
    record View(
            String report, String bucket, List<String> groups, String tenant, String model, String key, Range range) {

        static View of(ServerRequest req, Clock clock) {
            String report = req.queryParam("report").filter(REPORTS::contains).orElse("completions");
            String bucket = req.queryParam("bucket")
                    .filter(Set.of("1d", "1h")::contains)
                    .orElse("1d");
            List<String> allowed = report.equals("costs") ? COST_GROUPS : USAGE_GROUPS;
            List<String> groups = req.queryParams().getOrDefault("group", List.of()).stream()
                    .filter(allowed::contains)
                    .distinct()
                    .toList();
            return new View(
                    report,
                    report.equals("costs") ? "1d" : bucket,
                    groups,
                    blank(req, "tenant"),
                    blank(req, "model"),
                    blank(req, "key"),
                    Range.of(req, clock));
        }

        private static String blank(ServerRequest req, String name) {
            return req.queryParam(name)
                    .map(String::trim)
                    .filter(v -> !v.isEmpty())
                    .orElse(null);
        }

        boolean costs() {
            return report.equals("costs");
        }

        /** The API query this view shows; {@code csv} asks for the whole range as CSV. */
        String apiQuery(boolean csv) {
            Query q = Query.of(ORG + (costs() ? "/costs" : "/usage/" + report))
                    .with("start_time", range.start())
                    .with("end_time", range.end())
                    .with("bucket_width", costs() ? null : bucket)
                    .with("group_by", String.join(",", groups))
                    .with("project_ids", tenant);
            if (!costs()) {
                q.with("models", model).with("api_key_ids", key);
            }
            return (csv ? q.with("format", "csv") : q.with("limit", bucket.equals("1h") ? 168 : Range.MAX_DAYS))
                    .toString();
        }

        /** The same view as this page's query string (for the CSV link). */
        String pageQuery(String path) {
            Query q = Query.of(path)
                    .with("report", report)
                    .with("bucket", bucket)
                    .with("from", range.from())
                    .with("to", range.to())
                    .with("tenant", tenant)
                    .with("model", model)
                    .with("key", key);
            groups.forEach(g -> q.with("group", g));
            return q.toString();
        }
    }

    public Mono<ServerResponse> page(ServerRequest req) {
        Session s = Guard.session(req);
        View v = View.of(req, clock);
        return api.get(s, v.apiQuery(false))
                .flatMap(answer -> Html.ok(Html.page(
                        "Usage and costs",
                        s,
                        filters(v)
                                + Html.notice(v.range().problem())
                                + (answer.ok()
                                        ? chart(v, answer.body()) + table(v, answer.body())
                                        : Html.alert(answer.problem())),
                        answer.ok())));
    }

    /** What is on screen, as the API's CSV. */
    public Mono<ServerResponse> csv(ServerRequest req) {
        View v = View.of(req, clock);
        return download(
                req,
                v.apiQuery(true),
                v.report() + "-" + v.range().from() + "-" + v.range().to() + ".csv");
    }

    /** The raw usage records of the range (and tenant), as the API's CSV. */
    public Mono<ServerResponse> records(ServerRequest req) {
        View v = View.of(req, clock);
        String q = Query.of(ORG + "/usage/records")
                .with("start_time", v.range().start())
                .with("end_time", v.range().end())
                .with("project_ids", v.tenant())
                .toString();
        return download(
                req, q, "usage-records-" + v.range().from() + "-" + v.range().to() + ".csv");
    }

    Mono<ServerResponse> download(ServerRequest req, String apiQuery, String filename) {
        return api.raw(Guard.session(req), apiQuery).flatMap(e -> {
            if (!e.getStatusCode().is2xxSuccessful()) {
                return e.getBody()
                        .then(Html.refused(
                                HttpStatus.valueOf(e.getStatusCode().value()),
                                "The API refused this download ("
                                        + e.getStatusCode().value() + ")."));
            }
            MediaType type = e.getHeaders().getContentType() == null
                    ? MediaType.TEXT_PLAIN
                    : e.getHeaders().getContentType();
            return ServerResponse.ok()
                    .contentType(type)
                    .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"")
                    .body(BodyInserters.fromDataBuffers(e.getBody()));
        });
    }

    private static String filters(View v) {
        StringBuilder b = new StringBuilder(
                "<form method=\"get\" action=\"/console/usage\" class=\"filters\" aria-label=\"Filters\">");
        b.append("<div class=\"field\"><label for=\"report\">Report</label><select id=\"report\" name=\"report\">");
        for (String r : REPORTS) {
            b.append(option(r, r.equals("costs") ? "Costs" : "Usage: " + r, r.equals(v.report())));
        }
        b.append(
                        "</select></div><div class=\"field\"><label for=\"bucket\">Bucket width</label><select id=\"bucket\" name=\"bucket\">")
                .append(option("1d", "Day", v.bucket().equals("1d")))
                .append(option("1h", "Hour", v.bucket().equals("1h")))
                .append("</select></div>")
                .append(v.range().inputs())
                .append(field("tenant", "Tenant", v.tenant()))
                .append(field("model", "Model", v.model()))
                .append(field("key", "API key id", v.key()))
                .append("<fieldset><legend>Group by</legend>");
        for (String g : v.costs() ? COST_GROUPS : USAGE_GROUPS) {
            b.append("<label class=\"check\"><input type=\"checkbox\" name=\"group\" value=\"")
                    .append(g)
                    .append("\"")
                    .append(v.groups().contains(g) ? " checked" : "")
                    .append("> ")
                    .append(heading(g))
                    .append("</label>");
        }
        return b.append("</fieldset><button type=\"submit\">Show</button></form>")
                .toString();
    }

    private static String option(String value, String text, boolean selected) {
        return "<option value=\"" + value + "\"" + (selected ? " selected" : "") + ">" + Html.esc(text) + "</option>";
    }

    private static String field(String id, String label, String value) {
        return "<div class=\"field\"><label for=\"" + id + "\">" + Html.esc(label) + "</label><input id=\"" + id
                + "\" name=\"" + id + "\" value=\"" + Html.esc(value) + "\"></div>";
    }

    private static String heading(String group) {
        return switch (group) {
            case "project_id" -> "Tenant";
            case "model" -> "Model";
            case "api_key_id" -> "API key id";
            default -> "Line item";
        };
    }

    /** The page's buckets summed over its groups, as one chart. */
    private static String chart(View v, JsonNode page) {
        List<Long> x = new ArrayList<>();
        Map<String, List<Object>> series = new LinkedHashMap<>();
        List<String> names = v.costs()
                ? List.of("Amount")
                : v.report().equals("completions")
                        ? List.of("Requests", "Input tokens", "Output tokens")
                        : List.of("Requests", "Input tokens");
        names.forEach(n -> series.put(n, new ArrayList<>()));
        for (JsonNode bucket : page.get("data")) {
            x.add(bucket.get("start_time").asLong());
            if (v.costs()) {
                series.get("Amount").add(Overview.amount(bucket).doubleValue());
            } else {
                series.get("Requests").add(Overview.sum(bucket, "num_model_requests"));
                series.get("Input tokens").add(Overview.sum(bucket, "input_tokens"));
                if (series.containsKey("Output tokens")) {
                    series.get("Output tokens").add(Overview.sum(bucket, "output_tokens"));
                }
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("x", x);
        data.put("view", series);
        String caption = (v.costs() ? "Costs" : "Usage") + " per " + (v.bucket().equals("1h") ? "hour" : "day")
                + " (all groups)";
        return "<figure class=\"chart\"><figcaption id=\"chart-view-label\">" + Html.esc(caption) + "</figcaption>"
                + "<div class=\"plot\" data-series=\"view\" role=\"img\" aria-labelledby=\"chart-view-label\"></div></figure>"
                + "<script type=\"application/json\" id=\"chart-data\">"
                + GatewayApi.JSON.writeValueAsString(data).replace("<", "\\u003c") + "</script>";
    }

    private static String table(View v, JsonNode page) {
        List<String> headers = new ArrayList<>(List.of("Start (UTC)"));
        v.groups().forEach(g -> headers.add(heading(g)));
        if (v.costs()) {
            headers.add("Amount (" + Overview.currency(page) + ")");
        } else {
            headers.addAll(
                    v.report().equals("completions")
                            ? List.of("Requests", "Input tokens", "Cached input tokens", "Output tokens")
                            : List.of("Requests", "Input tokens"));
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode bucket : page.get("data")) {
            String start = Instant.ofEpochSecond(bucket.get("start_time").asLong())
                    .atOffset(ZoneOffset.UTC)
                    .toString();
            for (JsonNode r : bucket.get("results")) {
                List<String> row = new ArrayList<>(List.of(Html.esc(start)));
                v.groups()
                        .forEach(g -> row.add(
                                Html.esc(r.get(g).isNull() ? "" : r.get(g).asString())));
                if (v.costs()) {
                    row.add(Overview.num(
                            r.get("amount").get("value").decimalValue().toPlainString()));
                } else {
                    row.add(Overview.num(r.get("num_model_requests").asLong()));
                    row.add(Overview.num(r.get("input_tokens").asLong()));
                    if (v.report().equals("completions")) {
                        row.add(Overview.num(r.get("input_cached_tokens").asLong()));
                        row.add(Overview.num(r.get("output_tokens").asLong()));
                    }
                }
                rows.add(row);
            }
        }
        String more = page.get("has_more").asBoolean()
                ? Html.notice(
                        "The range holds more buckets than one page: narrow it, or download the CSV for all of it.")
                : "";
        return "<p class=\"downloads\"><a id=\"csv-view\" href=\"" + Html.esc(v.pageQuery("/console/usage.csv"))
                + "\">Download this view (CSV)</a> <a id=\"csv-records\" href=\""
                + Html.esc(v.pageQuery("/console/records.csv"))
                + "\">Download the raw records (CSV)</a></p>" + more
                + Html.table("usage", "Buckets with usage (empty buckets left out)", headers, rows);
    }
}
