package io.modelgateway.billing.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Rounds amounts to cents so that they add up to a given total: each is rounded half-even, then, while
 * the rounded sum misses the total, the amount whose rounding strayed furthest in the needed direction is
 * moved by one cent (the earliest on a tie). At most one cent per amount; most amounts keep their
 * half-even rounding.
 */
public final class Pennies {

    static final BigDecimal CENT = new BigDecimal("0.01");

    private Pennies() {}

    public static BigDecimal round(BigDecimal exact) {
        return exact.setScale(2, RoundingMode.HALF_EVEN);
    }

    /** {@code exact} rounded to cents, summing to {@code total} (a whole number of cents). */
    public static List<BigDecimal> allocate(List<BigDecimal> exact, BigDecimal total) {
        List<BigDecimal> cents = new ArrayList<>(exact.size());
        exact.forEach(e -> cents.add(round(e)));
        BigDecimal missing = total.subtract(cents.stream().reduce(BigDecimal.ZERO, BigDecimal::add));
        boolean[] moved = new boolean[exact.size()];
        while (missing.signum() != 0) {
            int up = missing.signum();
            int best = -1;
            BigDecimal bestError = null;
            for (int i = 0; i < exact.size(); i++) {
                BigDecimal error = exact.get(i).subtract(cents.get(i)).multiply(BigDecimal.valueOf(up));
                if (!moved[i] && (bestError == null || error.compareTo(bestError) > 0)) {
                    best = i;
                    bestError = error;
                }
            }
            if (best < 0) {
                throw new IllegalArgumentException("cannot reach " + total + " by moving each amount one cent");
            }
            BigDecimal step = up > 0 ? CENT : CENT.negate();
            cents.set(best, cents.get(best).add(step));
            moved[best] = true;
            missing = missing.subtract(step);
        }
        return cents;
    }
}
