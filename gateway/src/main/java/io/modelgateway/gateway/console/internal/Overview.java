package io.modelgateway.gateway.console.internal;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Requests, tokens and cost per day over a range (charts and a table), and the top tenants (by cost) and
 * models (by requests): the Usage and Costs APIs' daily buckets, summed on the page; error and refusal rates
 * from the Outcomes API ({@link Outcomes}).
 */
public final class Overview {

    private static final String ORG = "/v1/organization";
    private static final int TOP = 10;

    private final GatewayApi api;
    private final Clock clock;

    public Overview(GatewayApi api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    public Mono<ServerResponse> page(ServerRequest req) {
        Session s = Guard.session(req);
        Range r = Range.of(req, clock);
        Mono<GatewayApi.Answer> completions = api.get(s, daily(r, "/usage/completions", null));
        Mono<GatewayApi.Answer> embeddings = api.get(s, daily(r, "/usage/embeddings", null));
        Mono<GatewayApi.Answer> costs = api.get(s, daily(r, "/costs", null));
        Mono<GatewayApi.Answer> costsByTenant = api.get(s, daily(r, "/costs", "project_id"));
        Mono<GatewayApi.Answer> completionsByModel = api.get(s, daily(r, "/usage/completions", "model"));
        Mono<GatewayApi.Answer> embeddingsByModel = api.get(s, daily(r, "/usage/embeddings", "model"));
        Mono<GatewayApi.Answer> outcomes = api.get(s, Outcomes.query(r));
        return Mono.zip(
                        List.of(
                                completions,
                                embeddings,
                                costs,
                                costsByTenant,
                                completionsByModel,
                                embeddingsByModel,
                                outcomes),
                        answers -> Stream.of(answers)
                                .map(GatewayApi.Answer.class::cast)
                                .toList())
                .flatMap(a -> Html.ok(Html.page("Overview", s, render(r, a), true)));
    }

    private static String daily(Range r, String report, String groupBy) {
        return Query.of(ORG + report)
                .with("start_time", r.start())
                .with("end_time", r.end())
                .with("bucket_width", report.equals("/costs") ? null : "1d")
                .with("limit", Range.MAX_DAYS)
                .with("group_by", groupBy)
                .toString();
    }

    private static String render(Range r, List<GatewayApi.Answer> a) {
        StringBuilder b = new StringBuilder();
        b.append("<form method=\"get\" action=\"/console/overview\" class=\"filters\" aria-label=\"Range\">")
                .append(r.inputs())
                .append("<button type=\"submit\">Show</button></form>")
                .append(Html.notice(r.problem()));
        for (GatewayApi.Answer answer : a) {
            if (!answer.ok()) {
                return b.append(Html.alert(answer.problem())).toString();
            }
        }
        List<Day> days = days(a.get(0).body(), a.get(1).body(), a.get(2).body());
        long requests = days.stream().mapToLong(Day::requests).sum();
        long input = days.stream().mapToLong(Day::input).sum();
        long output = days.stream().mapToLong(Day::output).sum();
        BigDecimal cost = days.stream().map(Day::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
        String currency = currency(a.get(2).body());
        b.append(
                        "<section aria-labelledby=\"totals-h\"><h2 id=\"totals-h\">Totals</h2><dl class=\"totals\" id=\"totals\">")
                .append(total("requests", "Requests", requests))
                .append(total("input-tokens", "Input tokens", input))
                .append(total("output-tokens", "Output tokens", output))
                .append(total("cost", "Cost / credits burned (" + currency + ")", cost.toPlainString()))
                .append("</dl></section>");
        b.append("<section aria-labelledby=\"charts-h\"><h2 id=\"charts-h\">Per day</h2><div class=\"charts\">")
                .append(chart("requests", "Requests per day"))
                .append(chart("tokens", "Tokens per day"))
                .append(chart("cost", "Cost per day (" + currency + ")"))
                .append("</div>")
                .append("<script type=\"application/json\" id=\"chart-data\">")
                .append(chartData(days))
                .append("</script>");
        List<List<String>> rows = new ArrayList<>();
        for (Day d : days) {
            rows.add(List.of(
                    d.date(),
                    num(d.requests()),
                    num(d.input()),
                    num(d.output()),
                    num(d.cost().toPlainString())));
        }
        b.append(Html.table(
                        "daily",
                        "Requests, tokens and cost per UTC day",
                        List.of("Day", "Requests", "Input tokens", "Output tokens", "Cost (" + currency + ")"),
                        rows))
                .append("</section>");
        b.append("<div class=\"columns\"><section aria-labelledby=\"tenants-h\"><h2 id=\"tenants-h\">Top tenants</h2>")
                .append(Html.table(
                        "top-tenants",
                        "Tenants by cost over the range",
                        List.of("Tenant", "Cost (" + currency + ")"),
                        top(sumCosts(a.get(3).body(), "project_id"))))
                .append("</section><section aria-labelledby=\"models-h\"><h2 id=\"models-h\">Top models</h2>");
        Map<String, BigDecimal> models = sumRequests(a.get(4).body(), "model");
        sumRequests(a.get(5).body(), "model").forEach((k, v) -> models.merge(k, v, BigDecimal::add));
        b.append(Html.table(
                        "top-models", "Models by requests over the range", List.of("Model", "Requests"), top(models)))
                .append("</section></div>");
        return b.append(Outcomes.section(a.get(6).body())).toString();
    }

    record Day(String date, long requests, long input, long output, BigDecimal cost) {}

    private static List<Day> days(JsonNode completions, JsonNode embeddings, JsonNode costs) {
        List<Day> days = new ArrayList<>();
        JsonNode c = completions.get("data");
        for (int i = 0; i < c.size(); i++) {
            JsonNode day = c.get(i);
            JsonNode emb = bucket(embeddings, day.get("start_time").asLong());
            JsonNode cost = bucket(costs, day.get("start_time").asLong());
            days.add(new Day(
                    Instant.ofEpochSecond(day.get("start_time").asLong())
                            .atOffset(ZoneOffset.UTC)
                            .toLocalDate()
                            .toString(),
                    sum(day, "num_model_requests") + sum(emb, "num_model_requests"),
                    sum(day, "input_tokens") + sum(emb, "input_tokens"),
                    sum(day, "output_tokens"),
                    amount(cost)));
        }
        return days;
    }

    static JsonNode bucket(JsonNode page, long start) {
        for (JsonNode b : page.get("data")) {
            if (b.get("start_time").asLong() == start) {
                return b;
            }
        }
        return null;
    }

    static long sum(JsonNode bucket, String field) {
        long total = 0;
        if (bucket != null) {
            for (JsonNode result : bucket.get("results")) {
                total += result.has(field) ? result.get(field).asLong() : 0;
            }
        }
        return total;
    }

    static BigDecimal amount(JsonNode bucket) {
        BigDecimal total = BigDecimal.ZERO;
        if (bucket != null) {
            for (JsonNode result : bucket.get("results")) {
                total = total.add(result.get("amount").get("value").decimalValue());
            }
        }
        return total;
    }

    static String currency(JsonNode costs) {
        for (JsonNode b : costs.get("data")) {
            for (JsonNode result : b.get("results")) {
                return result.get("amount").get("currency").asString();
            }
        }
        return "usd";
    }

    private static Map<String, BigDecimal> sumCosts(JsonNode page, String group) {
        Map<String, BigDecimal> totals = new LinkedHashMap<>();
        for (JsonNode b : page.get("data")) {
            for (JsonNode result : b.get("results")) {
                totals.merge(
                        result.get(group).asString(),
                        result.get("amount").get("value").decimalValue(),
                        BigDecimal::add);
            }
        }
        return totals;
    }

    private static Map<String, BigDecimal> sumRequests(JsonNode page, String group) {
        Map<String, BigDecimal> totals = new LinkedHashMap<>();
        for (JsonNode b : page.get("data")) {
            for (JsonNode result : b.get("results")) {
                totals.merge(
                        result.get(group).asString(),
                        BigDecimal.valueOf(result.get("num_model_requests").asLong()),
                        BigDecimal::add);
            }
        }
        return totals;
    }

    private static List<List<String>> top(Map<String, BigDecimal> totals) {
        return totals.entrySet().stream()
                .sorted(Map.Entry.<String, BigDecimal>comparingByValue().reversed())
                .limit(TOP)
                .map(e -> List.of(Html.esc(e.getKey()), num(e.getValue().toPlainString())))
                .toList();
    }

    private static String total(String id, String label, Object value) {
        return "<div><dt>" + Html.esc(label) + "</dt><dd id=\"total-" + id + "\">" + Html.esc(value) + "</dd></div>";
    }

    private static String chart(String id, String label) {
        return "<figure class=\"chart\"><figcaption id=\"chart-" + id + "-label\">" + Html.esc(label) + "</figcaption>"
                + "<div class=\"plot\" data-series=\"" + id + "\" role=\"img\" aria-labelledby=\"chart-" + id
                + "-label\"></div></figure>";
    }

    static String num(Object value) {
        return "<span class=\"num\">" + Html.esc(value) + "</span>";
    }

    /** The charts' data as JSON for console.js (not executed, so the page's content security policy holds). */
    private static String chartData(List<Day> days) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(
                "x",
                days.stream()
                        .map(d -> java.time.LocalDate.parse(d.date())
                                .atStartOfDay(ZoneOffset.UTC)
                                .toEpochSecond())
                        .toList());
        data.put("requests", Map.of("Requests", days.stream().map(Day::requests).toList()));
        Map<String, Object> tokens = new LinkedHashMap<>();
        tokens.put("Input tokens", days.stream().map(Day::input).toList());
        tokens.put("Output tokens", days.stream().map(Day::output).toList());
        data.put("tokens", tokens);
        data.put(
                "cost",
                Map.of("Cost", days.stream().map(d -> d.cost().doubleValue()).toList()));
        return GatewayApi.JSON.writeValueAsString(data).replace("<", "\\u003c");
    }
}
