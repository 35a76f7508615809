package io.modelgateway.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money as {@code long} micro-units of the currency (1 USD = 1,000,000): exact integer arithmetic, never
 * {@code double}. Decimal strings are accepted and shown only at the edges (admin API, reports).
 */
public final class Micros {

    public static final long PER_UNIT = 1_000_000L;

    private Micros() {}

    /**
     * Parses a decimal amount in currency units ({@code "2.50"}, {@code "-0.000001"}) into micro-units.
     *
     * @throws IllegalArgumentException when it is not a number or has more than six decimals
     */
    public static long parse(String decimal) {
        BigDecimal value;
        try {
            value = new BigDecimal(decimal.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a decimal amount: " + decimal);
        }
        return fromUnits(value);
    }

    /** Converts an exact decimal amount in currency units; more than six decimals is refused, not rounded. */
    public static long fromUnits(BigDecimal units) {
        try {
            return units.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("amount needs at most 6 decimals and must fit: " + units.toPlainString());
        }
    }

    /** The exact decimal in currency units, six decimals ({@code 2500000 -> "2.500000"}). */
    public static String format(long micros) {
        return BigDecimal.valueOf(micros, 6).toPlainString();
    }
}
