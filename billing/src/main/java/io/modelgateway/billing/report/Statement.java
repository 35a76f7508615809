package io.modelgateway.billing.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A tenant's statement of one month (UTC). Amounts are summed exactly and rounded to cents only at the
 * lines and totals ({@link #rounded()}): balances half-even, lines half-even with the fewest one-cent moves
 * needed so that the lines add up to the totals and {@code opening + credits + adjustments - usage =
 * closing} holds in cents. The exact figures are kept beside them: {@link #closingMicros()} is the
 * ledger's balance at the month's end.
 *
 * @param closedAt when it was closed, {@code null} while open
 * @param openingMicros the balance at the month's start (a closed previous month's closing balance)
 * @param credits grants, top-ups and expiries posted in the month
 * @param usage charged usage per deployment, price version and token type
 * @param adjustments manual adjustments posted in the month and corrections carried from closed months
 */
public record Statement(
        String tenant,
        YearMonth period,
        String currency,
        @Nullable Instant closedAt,
        long openingMicros,
        List<StatementLine> credits,
        List<UsageLine> usage,
        List<StatementLine> adjustments) {

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
        return Pennies.round(exact);
    }

    public BigDecimal opening() {
        return BigDecimal.valueOf(openingMicros, 6);
    }

    /**
     * The statement in cents. Opening and closing balances are their exact values rounded half-even; the
     * lines are rounded half-even and, where that would not add up to the closing balance, the fewest
     * lines move by a cent ({@link Pennies}); each section's total is the sum of its rounded lines.
     *
     * @param usage positive amounts charged
     */
    public record Rounded(
            BigDecimal opening,
            List<BigDecimal> credits,
            List<BigDecimal> usage,
            List<BigDecimal> adjustments,
            BigDecimal closing) {

        public BigDecimal creditsTotal() {
            return sum(credits);
        }

        public BigDecimal usageTotal() {
            return sum(usage);
        }

        public BigDecimal adjustmentsTotal() {
            return sum(adjustments);
        }

        private static BigDecimal sum(List<BigDecimal> values) {
            return values.stream().reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
        }
    }

    public Rounded rounded() {
        List<BigDecimal> signed = new ArrayList<>();
        credits.forEach(l -> signed.add(l.amount()));
        usage.forEach(l -> signed.add(l.amount().negate()));
        adjustments.forEach(l -> signed.add(l.amount()));
        BigDecimal opening = cents(opening());
        BigDecimal closing = cents(BigDecimal.valueOf(closingMicros(), 6));
        List<BigDecimal> cents = Pennies.allocate(signed, closing.subtract(opening));
        int c = credits.size();
        int u = usage.size();
        return new Rounded(
                opening,
                cents.subList(0, c),
                cents.subList(c, c + u).stream().map(BigDecimal::negate).toList(),
                cents.subList(c + u, cents.size()),
                closing);
    }

    public BigDecimal creditsTotal() {
        return rounded().creditsTotal();
    }

    public BigDecimal adjustmentsTotal() {
        return rounded().adjustmentsTotal();
    }

    public BigDecimal usageTotal() {
        return rounded().usageTotal();
    }

    /** The closing balance in cents. */
    public BigDecimal closing() {
        return rounded().closing();
    }

    /** The exact closing balance in micro-units (the ledger's balance at the month's end). */
    public long closingMicros() {
        BigDecimal exact = opening()
                .add(sum(credits))
                .add(sum(adjustments))
                .subtract(usage.stream().map(UsageLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add));
        return exact.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    }

    private static BigDecimal sum(List<StatementLine> lines) {
        return lines.stream().map(StatementLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
