package io.modelgateway.billing.report;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A statement as RFC 4180 CSV: one row per line, then the totals. {@code amount} is in cents as
 * {@link Statement#rounded()} rounds it, {@code amount_exact} is not rounded.
 */
public final class StatementCsv {

    static final String HEADER = "tenant,period,section,date,description,deployment,price_version,token_type,"
            + "quantity,unit_price,amount,amount_exact,currency\r\n";

    private StatementCsv() {}

    public static byte[] render(Statement s) {
        Statement.Rounded r = s.rounded();
        StringBuilder b = new StringBuilder(HEADER);
        row(b, s, "opening_balance", s.start().toString(), "opening balance", null, r.opening(), s.opening());
        for (int i = 0; i < s.credits().size(); i++) {
            StatementLine l = s.credits().get(i);
            row(
                    b,
                    s,
                    "credits",
                    l.at().toString(),
                    l.kind() + ": " + l.description(),
                    null,
                    r.credits().get(i),
                    l.amount());
        }
        for (int i = 0; i < s.usage().size(); i++) {
            UsageLine l = s.usage().get(i);
            row(b, s, "usage", null, l.lineItem(), l, r.usage().get(i), l.amount());
        }
        for (int i = 0; i < s.adjustments().size(); i++) {
            StatementLine l = s.adjustments().get(i);
            row(
                    b,
                    s,
                    "adjustments",
                    l.at().toString(),
                    l.kind() + ": " + l.description(),
                    null,
                    r.adjustments().get(i),
                    l.amount());
        }
        row(b, s, "total", null, "credits", null, r.creditsTotal(), null);
        row(b, s, "total", null, "usage", null, r.usageTotal(), null);
        row(b, s, "total", null, "adjustments", null, r.adjustmentsTotal(), null);
        row(
                b,
                s,
                "closing_balance",
                s.end().toString(),
                "closing balance",
                null,
                r.closing(),
                BigDecimal.valueOf(s.closingMicros(), 6));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void row(
            StringBuilder b,
            Statement s,
            String section,
            @Nullable String date,
            String description,
            @Nullable UsageLine usage,
            BigDecimal amount,
            @Nullable BigDecimal exact) {
        Csv.field(b, s.tenant())
                .append(',')
                .append(s.period())
                .append(',')
                .append(section)
                .append(',');
        Csv.field(b, date).append(',');
        Csv.field(b, description).append(',');
        if (usage != null) {
            Csv.field(b, usage.deployment())
                    .append(',')
                    .append(usage.priceVersion())
                    .append(',')
                    .append(usage.type().value())
                    .append(',')
                    .append(usage.quantity())
                    .append(',')
                    .append(usage.unitPrice() == null ? "" : Csv.decimal(usage.unitPrice()))
                    .append(',');
        } else {
            b.append(",,,,,");
        }
        b.append(amount.toPlainString())
                .append(',')
                .append(exact == null ? "" : Csv.decimal(exact))
                .append(',')
                .append(s.currency())
                .append("\r\n");
    }
}
