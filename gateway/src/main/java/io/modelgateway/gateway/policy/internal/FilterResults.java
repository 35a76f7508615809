package io.modelgateway.gateway.policy.internal;

import io.modelgateway.gateway.policy.ContentRule;
import io.modelgateway.gateway.policy.ContentRules;
import io.modelgateway.gateway.policy.RuleAction;
import io.modelgateway.gateway.policy.RuleTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Azure's {@code content_filter_results} for one text: a category per kind of rule that read it
 * ({@code custom_blocklists} for terms and expressions, {@code pii}, {@code secrets}), each
 * {@code {"filtered", "detected", "details": [{"id", "filtered", "action"}]}}. {@code filtered} means the
 * text was blocked or changed; an annotate-only hit is detected but not filtered.
 */
final class FilterResults {

    private FilterResults() {}

    /** @param hits rule id to whether its hit filtered, in order of first hit */
    static Map<String, Object> of(ContentRules rules, RuleTarget side, Map<String, RuleAction> hits) {
        Map<String, Category> categories = new LinkedHashMap<>();
        for (ContentRule rule : rules.rules()) {
            if (!rule.target().covers(side)) {
                continue;
            }
            Category c = categories.computeIfAbsent(rule.type().category(), k -> new Category());
            RuleAction action = hits.get(rule.id());
            if (action != null) {
                c.hit(rule.id(), action);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        categories.forEach((name, c) -> out.put(name, c.toMap()));
        return out;
    }

    private static final class Category {
        private boolean filtered;
        private boolean detected;
        private final List<Map<String, Object>> details = new ArrayList<>(1);

        void hit(String id, RuleAction action) {
            boolean f = action != RuleAction.ANNOTATE;
            filtered |= f;
            detected = true;
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("filtered", f);
            d.put("id", id);
            d.put("action", action.value());
            details.add(d);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("filtered", filtered);
            m.put("detected", detected);
            if (!details.isEmpty()) {
                m.put("details", details);
            }
            return m;
        }
    }
}
