package io.modelgateway.gateway.catalog;

import io.modelgateway.billing.Micros;
import io.modelgateway.billing.pricing.Price;
import io.modelgateway.gateway.config.CatalogProperties;
import io.modelgateway.gateway.config.CatalogProperties.Lifecycle;
import io.modelgateway.gateway.config.GatewayProperties.Kind;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How catalog entries are written: OpenAI's model object ({@code id}, {@code object}, {@code created},
 * {@code owned_by}) with the catalog's fields added, and Azure's model object. Money is a decimal string in
 * currency units plus the exact micro-units, as in the billing API.
 */
public final class CatalogViews {

    private static final String GATEWAY = "model-gateway";

    private CatalogViews() {}

    /** OpenAI's model object plus the catalog fields (SDKs ignore fields they do not know). */
    public static Map<String, Object> openAi(CatalogEntry e, long created) {
        CatalogProperties c = e.card();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", e.id());
        v.put("object", "model");
        v.put("created", created);
        v.put("owned_by", c.publisher() != null ? c.publisher() : GATEWAY);
        if (c.retirementDate() != null) {
            v.put("shutdown_date", c.retirementDate()); // the openai-java SDK's Model.shutdownDate()
        }
        v.put("display_name", e.displayName());
        v.put("description", c.description());
        v.put("publisher", c.publisher());
        v.put("license", c.license());
        v.put("tags", c.tags());
        v.put("tasks", e.tasks());
        v.put("capabilities", e.capabilities());
        v.put("modalities", c.modalities());
        v.put("context_length", e.contextLength());
        v.put("max_output_tokens", e.maxOutputTokens());
        v.put("embedding_dimensions", e.embeddingDimensions());
        v.put("regions", e.regions());
        v.put("pricing", pricing(e.price()));
        v.put("lifecycle", lifecycle(e.lifecycle(), c));
        v.put("status", status(e));
        return v;
    }

    /**
     * Azure's model object ({@code GET /openai/models}): capabilities, {@code lifecycle_status} and the
     * {@code deprecation} dates (Unix seconds; {@code inference} is the retirement date when one is set).
     */
    public static Map<String, Object> azure(CatalogEntry e, long created) {
        CatalogProperties c = e.card();
        boolean embeddings = e.deployment().kind() == Kind.EMBEDDINGS;
        Map<String, Object> capabilities = new LinkedHashMap<>();
        capabilities.put("fine_tune", false);
        capabilities.put("inference", e.lifecycle() != Lifecycle.RETIRED);
        capabilities.put("completion", !embeddings);
        capabilities.put("chat_completion", !embeddings);
        capabilities.put("embeddings", embeddings);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("status", "succeeded");
        v.put("capabilities", capabilities);
        v.put("lifecycle_status", e.lifecycle().value());
        Map<String, Object> deprecation = new LinkedHashMap<>();
        c.retirement()
                .ifPresent(day -> deprecation.put(
                        "inference", day.atStartOfDay(ZoneOffset.UTC).toEpochSecond()));
        v.put("deprecation", deprecation);
        v.put("id", e.id());
        v.put("created_at", created);
        v.put("object", "model");
        return v;
    }

    /** A price as the catalog shows it (decimals and {@code _micros}); {@code null} for none. */
    public static Map<String, Object> pricing(Price p) {
        if (p == null) {
            return null;
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("currency", p.currency());
        money(v, "input_per_1m", p.inputPer1M());
        money(v, "cached_input_per_1m", p.cachedInputPer1M());
        money(v, "output_per_1m", p.outputPer1M());
        money(v, "per_request", p.perRequest());
        v.put("effective_from", p.effectiveFrom().getEpochSecond());
        return v;
    }

    private static void money(Map<String, Object> v, String name, long micros) {
        v.put(name, Micros.format(micros));
        v.put(name + "_micros", micros);
    }

    private static Map<String, Object> lifecycle(Lifecycle now, CatalogProperties c) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("status", now.value());
        v.put("deprecation_date", c.deprecationDate());
        v.put("retirement_date", c.retirementDate());
        v.put("successor", c.successor());
        return v;
    }

    private static Map<String, Object> status(CatalogEntry e) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put(
                "state",
                e.loadState() != null
                        ? e.loadState()
                        : e.replicas() == null ? "proxied" : e.readyReplicas() > 0 ? "ready" : "unavailable");
        v.put("ready_replicas", e.readyReplicas());
        v.put("replicas", e.replicas());
        return v;
    }
}
