package io.modelgateway.billing.report;

import io.modelgateway.billing.pricing.Price;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Splits charged usage of one deployment and price version into line items: each token type's tokens
 * times its unit price, exactly, plus a {@link TokenType#ROUNDING} line holding what per-call rounding
 * added, so the lines sum to the charged micro-units exactly. Lines with nothing to charge are left out.
 */
public final class UsageLines {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000L);

    private UsageLines() {}

    /** Sums of one deployment and price version ({@code price} {@code null}: version 0 or unknown, free). */
    public record Sums(
            String deployment,
            long priceVersion,
            long requests,
            long input,
            long cached,
            long output,
            long costMicros) {}

    public static List<UsageLine> of(Sums s, @Nullable Price price) {
        List<UsageLine> lines = new ArrayList<>(5);
        long in = price == null ? 0 : price.inputPer1M();
        long cin = price == null ? 0 : price.cachedInputPer1M();
        long out = price == null ? 0 : price.outputPer1M();
        long req = price == null ? 0 : price.perRequest();
        add(lines, s, TokenType.INPUT, s.input() - s.cached(), in, true);
        add(lines, s, TokenType.CACHED_INPUT, s.cached(), cin, true);
        add(lines, s, TokenType.OUTPUT, s.output(), out, true);
        if (req != 0) {
            add(lines, s, TokenType.REQUESTS, s.requests(), req, false);
        }
        BigDecimal exact = lines.stream().map(UsageLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal rounding = BigDecimal.valueOf(s.costMicros(), 6).subtract(exact);
        if (rounding.signum() != 0) {
            lines.add(new UsageLine(s.deployment(), s.priceVersion(), TokenType.ROUNDING, 0, null, rounding));
        }
        return lines;
    }

    private static void add(
            List<UsageLine> lines, Sums s, TokenType type, long quantity, long priceMicros, boolean perMillion) {
        if (quantity == 0) {
            return;
        }
        BigDecimal unit = BigDecimal.valueOf(priceMicros, 6);
        BigDecimal amount = BigDecimal.valueOf(quantity).multiply(unit);
        if (perMillion) {
            amount = amount.divide(MILLION);
        }
        lines.add(new UsageLine(s.deployment(), s.priceVersion(), type, quantity, unit, amount));
    }
}
