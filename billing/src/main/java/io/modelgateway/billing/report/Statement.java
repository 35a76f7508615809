package io.modelgateway.billing.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A tenant's statement of one month (UTC). Amounts are summed exactly; each line is rounded half-even to
 * cents once, and every total is the sum of its rounded lines, so the lines add up to the totals and
 * {@code opening + credits + adjustments - usage = closing} holds in cents. The exact figures are kept
 * beside them: {@link #closingMicros()} is the ledger's balance at the month's end.
 *
 * @param closedAt when it was closed, {@code null} while open
 * @param openingMicros the balance at the month's start (a closed previous month's closing balance)
 * @param credits grants, top-ups and expiries posted in the month
 * @param usage charged usage per deployment, price version and token type
 * @param adjustments manual adjustments posted in the month and corrections carried from closed months
 */
public record Statement(String tenant, YearMonth period, String currency, Instant closedAt, long openingMicros,
        List<StatementLine> credits, List<UsageLine> usage, List<StatementLine> adjustments) {

    public Statement {
        credits = List.copyOf(credits);
        usage = List.copyOf(usage);
        adjustments = List.copyOf(adjustments);
    }

    public Instant start() {
        return period.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    public Instant end() {
        return period.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    public boolean closed() {
        return closedAt != null;
    }

    public Statement closedAt(Instant at) {
        return new Statement(tenant, period, currency, at, openingMicros, credits, usage, adjustments);
    }

    public static BigDecimal cents(BigDecimal exact) {
        return exact.setScale(2, RoundingMode.HALF_EVEN);
    }

    public BigDecimal opening() {
        return BigDecimal.valueOf(openingMicros, 6);
    }

    public BigDecimal creditsTotal() {
        return credits.stream().map(StatementLine::cents).reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
    }

    public BigDecimal adjustmentsTotal() {
        return adjustments.stream().map(StatementLine::cents).reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
    }

    public BigDecimal usageTotal() {
        return usage.stream().map(l -> cents(l.amount())).reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
    }

    /** The closing balance in cents: opening (rounded) plus the section totals. */
    public BigDecimal closing() {
        return cents(opening()).add(creditsTotal()).add(adjustmentsTotal()).subtract(usageTotal());
    }

    /** The exact closing balance in micro-units (the ledger's balance at the month's end). */
    public long closingMicros() {
        BigDecimal exact = opening().add(sum(credits)).add(sum(adjustments))
                .subtract(usage.stream().map(UsageLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add));
        return exact.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    }

    private static BigDecimal sum(List<StatementLine> lines) {
        return lines.stream().map(StatementLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
