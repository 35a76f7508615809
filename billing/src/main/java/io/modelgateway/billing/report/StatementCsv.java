package io.modelgateway.billing.report;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * A statement as RFC 4180 CSV: one row per line, then the totals. {@code amount} is rounded half-even to
 * cents, {@code amount_exact} is not.
 */
public final class StatementCsv {

    static final String HEADER = "tenant,period,section,date,description,deployment,price_version,token_type,"
            + "quantity,unit_price,amount,amount_exact,currency\r\n";

    private StatementCsv() {}

    public static byte[] render(Statement s) {
        StringBuilder b = new StringBuilder(HEADER);
        row(b, s, "opening_balance", s.start().toString(), "opening balance", null, Statement.cents(s.opening()),
                s.opening());
        for (StatementLine l : s.credits()) {
            row(b, s, "credits", l.at().toString(), l.kind() + ": " + l.description(), null, l.cents(), l.amount());
        }
        for (UsageLine l : s.usage()) {
            row(b, s, "usage", null, l.lineItem(), l, Statement.cents(l.amount()), l.amount());
        }
        for (StatementLine l : s.adjustments()) {
            row(b, s, "adjustments", l.at().toString(), l.kind() + ": " + l.description(), null, l.cents(),
                    l.amount());
        }
        row(b, s, "total", null, "credits", null, s.creditsTotal(), null);
        row(b, s, "total", null, "usage", null, s.usageTotal(), null);
        row(b, s, "total", null, "adjustments", null, s.adjustmentsTotal(), null);
        row(b, s, "closing_balance", s.end().toString(), "closing balance", null, s.closing(),
                BigDecimal.valueOf(s.closingMicros(), 6));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void row(StringBuilder b, Statement s, String section, String date, String description,
            UsageLine usage, BigDecimal amount, BigDecimal exact) {
        Csv.field(b, s.tenant()).append(',').append(s.period()).append(',').append(section).append(',');
        Csv.field(b, date).append(',');
        Csv.field(b, description).append(',');
        if (usage != null) {
            Csv.field(b, usage.deployment()).append(',').append(usage.priceVersion()).append(',')
                    .append(usage.type().value()).append(',').append(usage.quantity()).append(',')
                    .append(usage.unitPrice() == null ? "" : Csv.decimal(usage.unitPrice())).append(',');
        } else {
            b.append(",,,,,");
        }
        b.append(amount.toPlainString()).append(',').append(exact == null ? "" : Csv.decimal(exact)).append(',')
                .append(s.currency()).append("\r\n");
    }
}
