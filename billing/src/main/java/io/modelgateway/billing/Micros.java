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

    /** The longest decimal text accepted: far more than any amount that fits needs. */
    static final int MAX_TEXT = 40;

    /**
     * Parses a decimal amount in currency units ({@code "2.50"}, {@code "-0.000001"}) into micro-units.
     *
     * @throws IllegalArgumentException when it is not a number, has more than six decimals or does not fit
     */
    public static long parse(String decimal) {
        String text = decimal.trim();
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("not a decimal amount of at most " + MAX_TEXT + " characters");
        }
        BigDecimal value;
        try {
            value = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a decimal amount: " + text);
        }
        return fromUnits(value);
    }

    /**
     * Converts an exact decimal amount in currency units; more than six decimals is refused, not rounded.
     * The size is checked on the digits and the exponent before any arithmetic, so {@code 1e10000000} or
     * {@code 1e-99999} costs nothing.
     */
    public static long fromUnits(BigDecimal units) {
        if (units.signum() == 0) {
            return 0;
        }
        // Digits before the decimal point: a long holds 9.2e18 micro-units, 9.2e12 units, 13 digits.
        if ((long) units.precision() - units.scale() > 13) {
            throw new IllegalArgumentException("amount does not fit: at most 9223372036854.775807");
        }
        BigDecimal exact = units.scale() > 6 ? units.stripTrailingZeros() : units;
        if (exact.scale() > 6) {
            throw new IllegalArgumentException("amount needs at most 6 decimals");
        }
        try {
            return exact.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("amount does not fit: at most 9223372036854.775807");
        }
    }

    /** The exact decimal in currency units, six decimals ({@code 2500000 -> "2.500000"}). */
    public static String format(long micros) {
        return BigDecimal.valueOf(micros, 6).toPlainString();
    }
}
