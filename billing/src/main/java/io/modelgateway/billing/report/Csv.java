package io.modelgateway.billing.report;

import io.modelgateway.billing.usage.UsageColumn;
import io.modelgateway.billing.usage.UsageColumns;
import io.modelgateway.billing.usage.UsageRecord;
import java.math.BigDecimal;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * RFC 4180 CSV: CRLF line ends, a header row, fields quoted when they hold a comma, quote, CR or LF
 * (quotes doubled). Times are ISO-8601 UTC, amounts exact decimals in currency units.
 */
public final class Csv {

    /** The records' header: each of {@link UsageColumns}' CSV names. */
    public static final String RECORDS_HEADER = UsageColumns.CSV_HEADER;

    public static final String USAGE_HEADER = "start_time,end_time,project_id,api_key_id,model,num_model_requests,"
            + "input_tokens,input_cached_tokens,output_tokens\r\n";
    public static final String COSTS_HEADER = "start_time,end_time,project_id,line_item,amount,currency\r\n";

    private Csv() {}

    /** One record: each of {@link UsageColumns}' {@link UsageColumn#csvText CSV text}, then CRLF. */
    public static StringBuilder record(StringBuilder b, UsageRecord r) {
        for (int i = 0; i < UsageColumns.ALL.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            field(b, UsageColumns.ALL.get(i).csvText(r));
        }
        return b.append("\r\n");
    }

    public static StringBuilder usage(StringBuilder b, Bucket<UsageRow> bucket) {
        for (UsageRow r : bucket.results()) {
            time(b, bucket.start()).append(',');
            time(b, bucket.end()).append(',');
            field(b, r.tenant()).append(',');
            field(b, r.apiKeyId()).append(',');
            field(b, r.model()).append(',');
            b.append(r.requests())
                    .append(',')
                    .append(r.inputTokens())
                    .append(',')
                    .append(r.cachedInputTokens())
                    .append(',')
                    .append(r.outputTokens())
                    .append("\r\n");
        }
        return b;
    }

    public static StringBuilder costs(StringBuilder b, Bucket<CostRow> bucket, String currency) {
        for (CostRow r : bucket.results()) {
            time(b, bucket.start()).append(',');
            time(b, bucket.end()).append(',');
            field(b, r.tenant()).append(',');
            field(b, r.lineItem()).append(',');
            b.append(decimal(r.amount())).append(',').append(currency).append("\r\n");
        }
        return b;
    }

    /** An exact decimal without exponent or trailing zeros ({@code 0.06}, {@code 12}). */
    public static String decimal(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
    }

    public static StringBuilder time(StringBuilder b, @Nullable Instant t) {
        return t == null ? b : b.append(t);
    }

    /** One field, quoted only when it must be; {@code null} is empty. */
    public static StringBuilder field(StringBuilder b, @Nullable String s) {
        if (s == null) {
            return b;
        }
        boolean quote = false;
        for (int i = 0; i < s.length() && !quote; i++) {
            char c = s.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        if (!quote) {
            return b.append(s);
        }
        return b.append('"').append(s.replace("\"", "\"\"")).append('"');
    }
}
