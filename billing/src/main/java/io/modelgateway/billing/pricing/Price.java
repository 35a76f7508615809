package io.modelgateway.billing.pricing;

import java.time.Instant;
import java.util.Objects;

/**
 * One version of a deployment's price, in force from {@code effectiveFrom} until the next version.
 * Token prices are micro-units per 1,000,000 tokens (USD 2.50 per 1M tokens is {@code 2_500_000});
 * {@code perRequest} is micro-units per call.
 *
 * <p><b>Rounding rule</b>: a call's cost is the exact sum {@code (input - cached) * inputPer1M + cached *
 * cachedInputPer1M + output * outputPer1M}, divided by 1,000,000 and rounded half up to a whole
 * micro-unit once per call, plus {@code perRequest}. It is monotonic in every token count, so a hold
 * computed for more tokens always covers the cost of fewer.
 *
 * @param version the id of this version ({@code 0} = not stored yet)
 */
public record Price(
        long version,
        String deployment,
        Instant effectiveFrom,
        long inputPer1M,
        long cachedInputPer1M,
        long outputPer1M,
        long perRequest,
        String currency) {

    /** The largest price accepted per 1M tokens (1,000,000 currency units): keeps every product within a long. */
    public static final long MAX_PER_1M = 1_000_000L * 1_000_000L;
    /** Token counts above this are refused in cost computations (far above any context window). */
    public static final long MAX_TOKENS = 1_000_000_000L;

    private static final long MILLION = 1_000_000L;

    public Price {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(effectiveFrom, "effectiveFrom");
        Objects.requireNonNull(currency, "currency");
        check("input_per_1m", inputPer1M);
        check("cached_input_per_1m", cachedInputPer1M);
        check("output_per_1m", outputPer1M);
        check("per_request", perRequest);
    }

    private static void check(String name, long value) {
        if (value < 0 || value > MAX_PER_1M) {
            throw new IllegalArgumentException(name + " must be between 0 and " + MAX_PER_1M + " micro-units");
        }
    }

    /** The cost of a call with these tokens, in micro-units (see the rounding rule above). */
    public long cost(Tokens tokens) {
        if (tokens.input() > MAX_TOKENS || tokens.output() > MAX_TOKENS) {
            throw new IllegalArgumentException("token count too large");
        }
        // 1e9 tokens x 1e12 per 1M would overflow: the product is split into whole millions and the rest.
        long uncached = tokens.input() - tokens.cachedInput();
        long wholeUnits = Math.addExact(
                Math.addExact(part(uncached, inputPer1M, true), part(tokens.cachedInput(), cachedInputPer1M, true)),
                part(tokens.output(), outputPer1M, true));
        long remainder = part(uncached, inputPer1M, false)
                + part(tokens.cachedInput(), cachedInputPer1M, false)
                + part(tokens.output(), outputPer1M, false);
        long rounded = Math.addExact(wholeUnits, (remainder + MILLION / 2) / MILLION);
        return Math.addExact(rounded, perRequest);
    }

    /** {@code tokens * pricePer1M} as whole micro-units ({@code whole}) or the sub-micro remainder (< 1e6). */
    private static long part(long tokens, long pricePer1M, boolean whole) {
        long priceWhole = pricePer1M / MILLION;
        long priceRest = pricePer1M % MILLION;
        long restProduct = tokens * priceRest; // < 1e9 * 1e6 = 1e15
        if (whole) {
            return Math.addExact(Math.multiplyExact(tokens, priceWhole), restProduct / MILLION);
        }
        return restProduct % MILLION;
    }

    /** The most output tokens whose cost, with this input, fits in {@code budget} micro-units ({@code -1}: none). */
    public long affordableOutput(long inputTokens, long budget) {
        if (cost(Tokens.of(inputTokens, 0)) > budget) {
            return -1;
        }
        if (outputPer1M == 0) {
            return MAX_TOKENS;
        }
        long lo = 0;
        long hi = MAX_TOKENS;
        while (lo < hi) { // largest n with cost(input, n) <= budget; cost is monotonic in n
            long mid = lo + (hi - lo + 1) / 2;
            if (cost(Tokens.of(inputTokens, mid)) <= budget) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
