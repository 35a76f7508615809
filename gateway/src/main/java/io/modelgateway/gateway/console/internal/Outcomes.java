package io.modelgateway.gateway.console.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The Overview's error and refusal rates: the Outcomes API's daily buckets grouped by outcome. Refused: calls
 * answered with a 4xx (keys, quotas, credits, policy, content rules, invalid requests); failed: with a 5xx or
 * broken off by the backend. Rates are shares of all calls (cancelled ones included).
 */
final class Outcomes {

    private Outcomes() {}

    /** The Outcomes API query for the range's days. */
    static String query(Range r) {
        return Query.of("/v1/organization/usage/outcomes")
                .with("start_time", r.start())
                .with("end_time", r.end())
                .with("bucket_width", "1d")
                .with("limit", Range.MAX_DAYS)
                .with("group_by", "outcome")
                .toString();
    }

    record Day(String date, long calls, long refused, long failed) {}

    static String section(JsonNode page) {
        List<Day> days = new ArrayList<>();
        for (JsonNode bucket : page.get("data")) {
            days.add(day(bucket));
        }
        long calls = days.stream().mapToLong(Day::calls).sum();
        long refused = days.stream().mapToLong(Day::refused).sum();
        long failed = days.stream().mapToLong(Day::failed).sum();
        StringBuilder b = new StringBuilder(
                        "<section aria-labelledby=\"outcomes-h\"><h2 id=\"outcomes-h\">Errors and refusals</h2>")
                .append("<dl class=\"totals\" id=\"outcome-totals\">")
                .append(total("calls", "Calls", calls))
                .append(total("refused", "Refused (4xx)", refused))
                .append(total("refusal-rate", "Refusal rate", rate(refused, calls)))
                .append(total("failed", "Failed (5xx)", failed))
                .append(total("error-rate", "Error rate", rate(failed, calls)))
                .append("</dl>");
        List<List<String>> rows = new ArrayList<>();
        for (Day d : days) {
            rows.add(List.of(
                    d.date(),
                    Overview.num(d.calls()),
                    Overview.num(d.refused()),
                    Overview.num(rate(d.refused(), d.calls())),
                    Overview.num(d.failed()),
                    Overview.num(rate(d.failed(), d.calls()))));
        }
        return b.append(Html.table(
                        "outcomes",
                        "Calls, refusals and errors per UTC day",
                        List.of("Day", "Calls", "Refused", "Refusal rate", "Failed", "Error rate"),
                        rows))
                .append("</section>")
                .toString();
    }

    private static Day day(JsonNode bucket) {
        long calls = 0;
        long refused = 0;
        long failed = 0;
        for (JsonNode r : bucket.get("results")) {
            long n = r.get("num_model_requests").asLong();
            calls += n;
            switch (r.get("outcome").asString()) {
                case "client_error" -> refused += n;
                case "server_error" -> failed += n;
                default -> {}
            }
        }
        String date = Instant.ofEpochSecond(bucket.get("start_time").asLong())
                .atOffset(ZoneOffset.UTC)
                .toLocalDate()
                .toString();
        return new Day(date, calls, refused, failed);
    }

    /** A share in percent with two decimals, or a dash when there were no calls. */
    static String rate(long part, long whole) {
        if (whole == 0) {
            return "–";
        }
        return BigDecimal.valueOf(part * 100)
                        .divide(BigDecimal.valueOf(whole), 2, RoundingMode.HALF_UP)
                        .toPlainString() + " %";
    }

    private static String total(String id, String label, Object value) {
        return "<div><dt>" + Html.esc(label) + "</dt><dd id=\"total-" + id + "\">" + Html.esc(value) + "</dd></div>";
    }
}
