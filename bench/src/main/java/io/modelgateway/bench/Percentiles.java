package io.modelgateway.bench;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The percentiles this benchmark reports, in microseconds. A difference of two ({@link #minus}) is taken
 * percentile by percentile: "added p99" is p99(gateway) - p99(direct), not the p99 of per-request
 * differences (the two paths never serve the same request).
 */
record Percentiles(long count, long p50, long p90, long p99, long p999, long max) {

    static final String[] LABELS = {"p50", "p90", "p99", "p99.9", "max"};

    static Percentiles of(Histogram h) {
        if (h == null || h.getTotalCount() == 0) {
            return new Percentiles(0, 0, 0, 0, 0, 0);
        }
        return new Percentiles(
                h.getTotalCount(),
                h.getValueAtPercentile(50.0),
                h.getValueAtPercentile(90.0),
                h.getValueAtPercentile(99.0),
                h.getValueAtPercentile(99.9),
                h.getMaxValue());
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** This minus {@code other} at each percentile; empty when either side is empty. */
    Percentiles minus(Percentiles other) {
        if (isEmpty() || other.isEmpty()) {
            return new Percentiles(0, 0, 0, 0, 0, 0);
        }
        return new Percentiles(
                Math.min(count, other.count),
                p50 - other.p50,
                p90 - other.p90,
                p99 - other.p99,
                p999 - other.p999,
                max - other.max);
    }

    long[] values() {
        return new long[] {p50, p90, p99, p999, max};
    }

    /** Microseconds as milliseconds with three decimals ("0.245", "-0.012"). */
    static String ms(long micros) {
        return String.format(Locale.ROOT, "%.3f", micros / 1000.0);
    }

    /** One row of a fixed-width table: the label then each percentile in ms, or n/a when empty. */
    String row(String label) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-22s", label));
        for (long v : values()) {
            sb.append(String.format(Locale.ROOT, "%10s", isEmpty() ? "n/a" : ms(v)));
        }
        return sb.toString();
    }

    static String header(String unit) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-22s", unit));
        for (String l : LABELS) {
            sb.append(String.format(Locale.ROOT, "%10s", l));
        }
        return sb.toString();
    }
}
