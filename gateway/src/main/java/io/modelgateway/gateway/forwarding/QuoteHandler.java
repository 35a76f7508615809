package io.modelgateway.gateway.forwarding;

import io.modelgateway.billing.Micros;
import io.modelgateway.gateway.catalog.CatalogViews;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.Pipeline;
import io.modelgateway.gateway.pipeline.Quote;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code POST .../quote}: a call built exactly as the call itself would be (same parsing, validation and
 * {@code Calls} description), run through {@link Pipeline#quote} instead of being admitted: nothing is
 * forwarded, held, charged or recorded. The answer names the token estimate, the price in force, the hold the
 * call would take ({@code max_cost}), the {@code max_tokens} the balance affords, and every limit that would
 * refuse it now (the first is the one the call would get), with until when.
 */
@Component
public class QuoteHandler {

    private final Pipeline pipeline;
    private final Clock clock;

    public QuoteHandler(Pipeline pipeline, Clock clock) {
        this.pipeline = pipeline;
        this.clock = clock;
    }

    public Mono<ServerResponse> quote(Call call) {
        int requestedMaxTokens = call.maxTokens();
        return pipeline.quote(call)
                .flatMap(q -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(view(call, requestedMaxTokens, q, clock.instant())));
    }

    private static Map<String, Object> view(Call call, int requestedMaxTokens, Quote q, Instant now) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("object", "quote");
        v.put("model", call.deployment().name());
        v.put(
                "operation",
                switch (call.operation()) {
                    case CHAT -> "chat.completions";
                    case COMPLETION -> "completions";
                    case EMBEDDINGS -> "embeddings";
                });
        v.put("allowed", q.allowed());
        List<Map<String, Object>> refusals = new ArrayList<>();
        for (Quote.Refusal r : q.refusals()) {
            refusals.add(refusal(r, now));
        }
        v.put("refused_by", refusals.isEmpty() ? null : refusals.get(0));
        v.put("refusals", refusals);
        v.put("tokens", tokens(call, requestedMaxTokens, q.tokens()));
        Quote.Cost cost = q.cost();
        v.put("pricing", cost == null ? null : CatalogViews.pricing(cost.price()));
        v.put("max_cost", cost == null ? Micros.format(0) : Micros.format(cost.maxCostMicros()));
        v.put("max_cost_micros", cost == null ? 0 : cost.maxCostMicros());
        v.put("available_micros", cost == null ? null : cost.availableMicros());
        v.put(
                "available",
                cost == null || cost.availableMicros() == null ? null : Micros.format(cost.availableMicros()));
        v.put(
                "affordable_max_tokens",
                embeddings(call)
                        ? null
                        : cost == null ? Integer.valueOf(call.maxTokens()) : cost.affordableMaxTokens());
        return v;
    }

    private static Map<String, Object> tokens(Call call, int requestedMaxTokens, Quote.Tokens t) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("prompt", t != null ? t.prompt() : call.promptTokens());
        v.put("max_tokens", embeddings(call) ? null : t != null ? t.maxTokens() : requestedMaxTokens);
        v.put("n", call.choices());
        v.put("estimate", t != null ? t.estimate() : call.tokenEstimate());
        return v;
    }

    private static Map<String, Object> refusal(Quote.Refusal r, Instant now) {
        ApiException e = r.error();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("limit", r.limit());
        v.put("scope", r.scope());
        v.put("status", e.status().value());
        v.put("code", e.code());
        v.put("param", e.param());
        v.put("message", e.getMessage());
        if (r.retryAfter() != null) {
            long millis = Math.max(1, -Math.floorDiv(-r.retryAfter().toNanos(), 1_000_000L));
            v.put("retry_after_ms", millis);
            v.put("retry_at", now.plusMillis(millis).toString());
        } else {
            v.put("retry_after_ms", null);
            v.put("retry_at", null);
        }
        return v;
    }

    private static boolean embeddings(Call call) {
        return call.operation() == io.modelgateway.gateway.pipeline.Operation.EMBEDDINGS;
    }
}
