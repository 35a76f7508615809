package io.modelgateway.gateway.finance.internal;

import io.modelgateway.billing.report.Bucket;
import io.modelgateway.billing.report.CostRow;
import io.modelgateway.billing.report.Csv;
import io.modelgateway.billing.report.Difference;
import io.modelgateway.billing.report.ReconciliationReport;
import io.modelgateway.billing.report.ReportPage;
import io.modelgateway.billing.report.Statement;
import io.modelgateway.billing.report.StatementLine;
import io.modelgateway.billing.report.UsageKind;
import io.modelgateway.billing.report.UsageLine;
import io.modelgateway.billing.report.UsageRow;
import io.modelgateway.gateway.runtime.JsonMappers;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.json.JsonMapper;

/** The finance API's JSON: OpenAI's page/bucket/result shapes, statements and reconciliation reports. */
final class Views {

    /** Decimals are written plainly ({@code 0.0000005}, never {@code 5E-7}). */
    static final JsonMapper MAPPER = JsonMappers.JSON;

    private Views() {}

    static byte[] json(Object value) {
        return MAPPER.writeValueAsBytes(value);
    }

    static <T> Map<String, Object> page(ReportPage<T> page, Function<T, Map<String, Object>> result) {
        List<Object> data = new ArrayList<>();
        for (Bucket<T> b : page.buckets()) {
            Map<String, Object> bucket = new LinkedHashMap<>();
            bucket.put("object", "bucket");
            bucket.put("start_time", b.start().getEpochSecond());
            bucket.put("end_time", b.end().getEpochSecond());
            bucket.put("results", b.results().stream().map(result).toList());
            data.add(bucket);
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("object", "page");
        v.put("data", data);
        v.put("has_more", page.hasMore());
        v.put("next_page", page.hasMore() ? Params.token(page.next()) : null);
        return v;
    }

    static Function<UsageRow, Map<String, Object>> usage(UsageKind kind) {
        return r -> {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("object", kind.resultObject());
            v.put("input_tokens", r.inputTokens());
            if (kind == UsageKind.COMPLETIONS) {
                v.put("output_tokens", r.outputTokens());
                v.put("input_cached_tokens", r.cachedInputTokens());
                v.put("input_audio_tokens", 0);
                v.put("output_audio_tokens", 0);
            }
            v.put("num_model_requests", r.requests());
            v.put("project_id", r.tenant());
            v.put("user_id", null);
            v.put("api_key_id", r.apiKeyId());
            v.put("model", r.model());
            if (kind == UsageKind.COMPLETIONS) {
                v.put("batch", null);
                v.put("service_tier", null);
            }
            return v;
        };
    }

    static Function<CostRow, Map<String, Object>> cost(String currency) {
        return r -> {
            Map<String, Object> amount = new LinkedHashMap<>();
            amount.put("value", new BigDecimal(Csv.decimal(r.amount())));
            amount.put("currency", currency);
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("object", "organization.costs.result");
            v.put("amount", amount);
            v.put("line_item", r.lineItem());
            v.put("project_id", r.tenant());
            return v;
        };
    }

    static Map<String, Object> statement(Statement s) {
        Statement.Rounded r = s.rounded();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("object", "statement");
        v.put("project_id", s.tenant());
        v.put("period", s.period().toString());
        v.put("status", s.closed() ? "closed" : "open");
        v.put("closed_at", s.closed() ? s.closedAt().getEpochSecond() : null);
        v.put("currency", s.currency());
        v.put("period_start", s.start().getEpochSecond());
        v.put("period_end", s.end().getEpochSecond());
        v.put("opening_balance", money(r.opening(), s.opening()));
        v.put("credits", section(lines(s.credits(), r.credits()), r.creditsTotal()));
        List<Map<String, Object>> usage = new ArrayList<>();
        for (int i = 0; i < s.usage().size(); i++) {
            usage.add(line(s.usage().get(i), r.usage().get(i)));
        }
        v.put("usage", section(usage, r.usageTotal()));
        v.put("adjustments", section(lines(s.adjustments(), r.adjustments()), r.adjustmentsTotal()));
        v.put("closing_balance", money(r.closing(), BigDecimal.valueOf(s.closingMicros(), 6)));
        return v;
    }

    private static Map<String, Object> money(BigDecimal cents, BigDecimal exact) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("amount", cents.toPlainString());
        v.put("exact", Csv.decimal(exact));
        return v;
    }

    private static Map<String, Object> section(List<Map<String, Object>> lines, BigDecimal total) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("lines", lines);
        v.put("total", total.toPlainString());
        return v;
    }

    private static List<Map<String, Object>> lines(List<StatementLine> lines, List<BigDecimal> cents) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            StatementLine l = lines.get(i);
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("entry_id", l.entryId() == 0 ? null : l.entryId());
            v.put("kind", l.kind());
            v.put("description", l.description());
            v.put("created_at", l.at().getEpochSecond());
            v.putAll(money(cents.get(i), l.amount()));
            out.add(v);
        }
        return out;
    }

    private static Map<String, Object> line(UsageLine l, BigDecimal cents) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("line_item", l.lineItem());
        v.put("deployment", l.deployment());
        v.put("price_version", l.priceVersion());
        v.put("token_type", l.type().value());
        v.put("quantity", l.quantity());
        v.put("unit_price", l.unitPrice() == null ? null : Csv.decimal(l.unitPrice()));
        v.putAll(money(cents, l.amount()));
        return v;
    }

    static Map<String, Object> reconciliation(ReconciliationReport r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("object", "reconciliation");
        v.put("start_time", r.start().getEpochSecond());
        v.put("end_time", r.end().getEpochSecond());
        v.put("records_checked", r.recordsChecked());
        v.put("rollups_checked", r.rollupsChecked());
        v.put("tenants_checked", r.tenantsChecked());
        v.put("differences_found", r.differencesFound());
        v.put("clean", r.clean());
        v.put("differences", r.differences().stream().map(Views::difference).toList());
        return v;
    }

    private static Map<String, Object> difference(Difference d) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("kind", d.kind());
        v.put("project_id", d.tenant());
        v.put("subject", d.subject());
        v.put("stored", d.stored());
        v.put("recomputed", d.recomputed());
        v.put("difference", d.stored() - d.recomputed());
        return v;
    }
}
