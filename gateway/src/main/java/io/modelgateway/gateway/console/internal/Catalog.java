package io.modelgateway.gateway.console.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The model catalog as {@code GET /v1/catalog} answers the session's credential (so a tenant sees exactly the
 * deployments its policy allows), with the search's filters and paging, and a quote box that asks
 * {@code POST /v1/{chat/completions,completions,embeddings}/quote} and shows its answer. Both APIs need an
 * inference-capable credential: a session whose key lacks it sees the API's refusal, as the API words it.
 */
public final class Catalog {

    /** The search parameters the page passes through to the API, with their labels. */
    private static final Map<String, String> FILTERS = filters();

    private static final Map<String, String> OPERATIONS = Map.of(
            "chat",
            "/v1/chat/completions/quote",
            "completions",
            "/v1/completions/quote",
            "embeddings",
            "/v1/embeddings/quote");

    private final GatewayApi api;

    public Catalog(GatewayApi api) {
        this.api = api;
    }

    private static Map<String, String> filters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("q", "Search");
        m.put("task", "Task");
        m.put("region", "Region");
        m.put("capability", "Capability");
        m.put("lifecycle", "Lifecycle");
        m.put("max_input_price", "Most input price per 1M");
        m.put("max_output_price", "Most output price per 1M");
        m.put("sort", "Sort by");
        m.put("order", "Order");
        m.put("limit", "Per page");
        return m;
    }

    public Mono<ServerResponse> page(ServerRequest req) {
        Session s = Guard.session(req);
        return render(s, req.queryParams(), new org.springframework.util.LinkedMultiValueMap<>(), null)
                .flatMap(Html::ok);
    }

    /** The quote box: the API's quote of the call the form describes, shown under the catalog. */
    public Mono<ServerResponse> quote(ServerRequest req) {
        Session s = Guard.session(req);
        return req.formData().flatMap(form -> {
            String operation = OPERATIONS.containsKey(value(form, "operation")) ? value(form, "operation") : "chat";
            return api.post(s, OPERATIONS.get(operation), body(operation, form), null)
                    .flatMap(answer -> render(
                                    s,
                                    new org.springframework.util.LinkedMultiValueMap<>(),
                                    form,
                                    quoteBox(form, answer))
                            .flatMap(html -> Html.respond(
                                    answer.ok() ? HttpStatus.OK : HttpStatus.valueOf(answer.status()), html)));
        });
    }

    /**
     * The call's body as a client would send it; numbers that do not parse are sent as they were typed, so the
     * API refuses them in its own words.
     */
    private static Map<String, Object> body(String operation, MultiValueMap<String, String> form) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", value(form, "model"));
        String prompt = form.getFirst("prompt") == null ? "" : form.getFirst("prompt");
        switch (operation) {
            case "embeddings" -> body.put("input", prompt);
            case "completions" -> body.put("prompt", prompt);
            default -> body.put("messages", List.of(Map.of("role", "user", "content", prompt)));
        }
        if (!operation.equals("embeddings")) {
            number(body, "max_tokens", value(form, "max_tokens"));
            number(body, "n", value(form, "n"));
        }
        return body;
    }

    private static void number(Map<String, Object> body, String name, String value) {
        if (value == null) {
            return;
        }
        try {
            body.put(name, Long.parseLong(value));
        } catch (NumberFormatException e) {
            body.put(name, value);
        }
    }

    private Mono<String> render(
            Session s, MultiValueMap<String, String> params, MultiValueMap<String, String> form, String quote) {
        Query query = Query.of("/v1/catalog");
        FILTERS.keySet().forEach(name -> query.with(name, params.getFirst(name)));
        query.with("after", params.getFirst("after"));
        return api.get(s, query.toString()).map(answer -> {
            StringBuilder b = new StringBuilder(filterForm(params));
            List<String> models = new ArrayList<>();
            if (answer.ok()) {
                b.append(table(answer.body(), models));
                JsonNode last = answer.body().get("last_id");
                if (answer.body().path("has_more").asBoolean() && last != null && !last.isNull()) {
                    Query next = Query.of("/console/catalog");
                    FILTERS.keySet().forEach(name -> next.with(name, params.getFirst(name)));
                    b.append("<p><a id=\"next-page\" href=\"")
                            .append(Html.esc(next.with("after", last.asString())))
                            .append("\">Next page</a></p>");
                }
            } else {
                b.append("<div id=\"catalog-refused\">")
                        .append(Html.alert(answer.problem()))
                        .append("</div>");
            }
            b.append("<h2 id=\"quote-heading\">Quote a call</h2>")
                    .append("<p class=\"help\">What a call would cost and whether it would be served now, without "
                            + "making it: the gateway's quote API, asked with your session's key.</p>")
                    .append(quoteForm(s, models, form));
            if (quote != null) {
                b.append(quote);
            }
            return Html.page("Catalog", s, b.toString(), false);
        });
    }

    private static String filterForm(MultiValueMap<String, String> params) {
        StringBuilder b = new StringBuilder(
                "<form method=\"get\" action=\"/console/catalog\" class=\"filters\" id=\"catalog-search\">");
        for (Map.Entry<String, String> f : FILTERS.entrySet()) {
            String id = "filter-" + f.getKey().replace('_', '-');
            b.append("<div><label for=\"")
                    .append(id)
                    .append("\">")
                    .append(Html.esc(f.getValue()))
                    .append("</label>")
                    .append("<input id=\"")
                    .append(id)
                    .append("\" name=\"")
                    .append(f.getKey())
                    .append("\" value=\"")
                    .append(Html.esc(params.getFirst(f.getKey())))
                    .append("\"></div>");
        }
        return b.append("<button type=\"submit\" id=\"search\">Search</button></form>")
                .toString();
    }

    private static String table(JsonNode page, List<String> models) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode m : page.get("data")) {
            String id = m.path("id").asString();
            models.add(id);
            JsonNode price = m.get("pricing");
            boolean priced = price != null && !price.isNull();
            rows.add(List.of(
                    Html.esc(id),
                    Html.esc(m.path("display_name").asString()),
                    Html.esc(String.join(", ", Fleet.strings(m.path("tasks")))),
                    Html.esc(String.join(", ", Fleet.strings(m.path("regions")))),
                    Html.esc(m.path("lifecycle").path("status").asString()),
                    Html.esc(m.path("status").path("state").asString()),
                    Html.esc(
                            m.path("context_length").isNumber()
                                    ? m.path("context_length").asString()
                                    : ""),
                    priced ? Html.esc(price.path("input_per_1m").asString()) : "",
                    priced ? Html.esc(price.path("output_per_1m").asString()) : "",
                    priced ? Html.esc(price.path("currency").asString()) : "free"));
        }
        return Html.table(
                "catalog",
                "The models your credential may use, as GET /v1/catalog lists them",
                List.of(
                        "Model",
                        "Name",
                        "Tasks",
                        "Regions",
                        "Lifecycle",
                        "Status",
                        "Context",
                        "Input per 1M",
                        "Output per 1M",
                        "Currency"),
                rows);
    }

    /** The quote box, filled with what was last asked. */
    private static String quoteForm(Session s, List<String> models, MultiValueMap<String, String> form) {
        String operation = form.getFirst("operation");
        StringBuilder b = new StringBuilder(
                        "<form method=\"post\" action=\"/console/catalog/quote\" id=\"quote-form\" class=\"card narrow\">")
                .append(Html.csrf(s))
                .append(
                        "<label for=\"quote-model\">Model</label><input id=\"quote-model\" name=\"model\" list=\"quote-models\" required value=\"")
                .append(Html.esc(form.getFirst("model")))
                .append("\">")
                .append("<datalist id=\"quote-models\">");
        models.forEach(m -> b.append("<option value=\"").append(Html.esc(m)).append("\">"));
        return b.append(
                        "</datalist><label for=\"quote-operation\">Call</label><select id=\"quote-operation\" name=\"operation\">")
                .append(option("chat", "chat completion", operation))
                .append(option("completions", "completion", operation))
                .append(option("embeddings", "embeddings", operation))
                .append("</select>")
                .append(
                        "<label for=\"quote-prompt\">Prompt</label><textarea id=\"quote-prompt\" name=\"prompt\" rows=\"3\">")
                .append(Html.esc(form.getFirst("prompt")))
                .append("</textarea>")
                .append(
                        "<label for=\"quote-max-tokens\">max_tokens</label><input id=\"quote-max-tokens\" name=\"max_tokens\" inputmode=\"numeric\" value=\"")
                .append(Html.esc(form.getFirst("max_tokens")))
                .append("\">")
                .append(
                        "<label for=\"quote-n\">n</label><input id=\"quote-n\" name=\"n\" inputmode=\"numeric\" value=\"")
                .append(Html.esc(form.getFirst("n")))
                .append("\">")
                .append("<button type=\"submit\" id=\"quote\">Quote</button></form>")
                .toString();
    }

    private static String option(String value, String label, String chosen) {
        return "<option value=\"" + value + "\"" + (value.equals(chosen) ? " selected" : "") + ">" + label
                + "</option>";
    }

    /** The API's quote as the page shows it, or its refusal of the request. */
    private static String quoteBox(MultiValueMap<String, String> form, GatewayApi.Answer answer) {
        StringBuilder b = new StringBuilder("<section id=\"quote-result\" aria-labelledby=\"quote-result-heading\">")
                .append("<h3 id=\"quote-result-heading\">Quote for ")
                .append(Html.esc(value(form, "model")))
                .append("</h3>");
        if (!answer.ok()) {
            return b.append(Html.alert(answer.problem())).append("</section>").toString();
        }
        JsonNode q = answer.body();
        JsonNode refused = q.get("refused_by");
        if (q.path("allowed").asBoolean()) {
            b.append("<p id=\"quote-decision\" class=\"notice\" role=\"status\">Allowed now.</p>");
        } else {
            b.append("<p id=\"quote-decision\" class=\"alert\" role=\"alert\">Refused by ")
                    .append(Html.esc(refused.path("limit").asString()))
                    .append(
                            refused.path("scope").isNull()
                                    ? ""
                                    : " (" + Html.esc(refused.path("scope").asString()) + ")")
                    .append(": ")
                    .append(Html.esc(refused.path("message").asString()))
                    .append(
                            refused.path("retry_at").isNull()
                                    ? ""
                                    : " Until "
                                            + Html.esc(refused.path("retry_at").asString()) + ".")
                    .append("</p>");
        }
        JsonNode tokens = q.path("tokens");
        b.append("<dl id=\"quote-numbers\" class=\"totals\">");
        item(b, "quote-prompt-tokens", "Prompt tokens", tokens.path("prompt").asString());
        item(b, "quote-max-tokens-value", "max_tokens", text(tokens.get("max_tokens")));
        item(b, "quote-n-value", "n", tokens.path("n").asString());
        item(
                b,
                "quote-estimate",
                "Token estimate (per-minute limits)",
                tokens.path("estimate").asString());
        JsonNode price = q.get("pricing");
        if (price != null && !price.isNull()) {
            item(
                    b,
                    "quote-price",
                    "Price",
                    price.path("input_per_1m").asString() + " in / "
                            + price.path("output_per_1m").asString() + " out per 1M tokens, "
                            + price.path("per_request").asString() + " per request ("
                            + price.path("currency").asString() + ")");
        } else {
            item(b, "quote-price", "Price", "free (no price)");
        }
        item(
                b,
                "quote-max-cost",
                "Most it can cost (the credit hold)",
                q.path("max_cost").asString());
        item(b, "quote-available", "Available balance", text(q.get("available")));
        item(b, "quote-affordable", "max_tokens the balance affords", text(q.get("affordable_max_tokens")));
        return b.append("</dl></section>").toString();
    }

    private static void item(StringBuilder b, String id, String term, String value) {
        b.append("<div><dt>")
                .append(Html.esc(term))
                .append("</dt><dd id=\"")
                .append(id)
                .append("\">")
                .append(Html.esc(value))
                .append("</dd></div>");
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? "—" : n.asString();
    }

    private static String value(MultiValueMap<String, String> form, String name) {
        String v = form.getFirst(name);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
