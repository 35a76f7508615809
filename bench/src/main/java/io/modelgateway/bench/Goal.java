package io.modelgateway.bench;

import java.util.Locale;

/**
 * A performance target and the measured value next to it.
 *
 * @param what what is measured, as printed in the summary
 * @param atMost true for "measured <= limit", false for "measured >= limit"
 * @param limit the target value
 * @param measured the measured value, or null when it was not measured
 * @param unit "ms" or "" (a ratio)
 */
record Goal(String what, boolean atMost, double limit, Double measured, String unit) {

    static Goal atMost(String what, double limit, Double measured, String unit) {
        return new Goal(what, true, limit, measured, unit);
    }

    static Goal atLeast(String what, double limit, Double measured, String unit) {
        return new Goal(what, false, limit, measured, unit);
    }

    boolean measuredAndMet() {
        return measured != null && (atMost ? measured <= limit : measured >= limit);
    }

    String target() {
        return (atMost ? "<= " : ">= ") + number(limit);
    }

    String measuredText() {
        return measured == null ? "not measured" : number(measured);
    }

    /** "met", "not measured", or by how much the target was missed. */
    String verdict() {
        if (measured == null) {
            return "not measured";
        }
        if (measuredAndMet()) {
            return "met";
        }
        double gap = Math.abs(measured - limit);
        if (atMost && limit > 0) {
            return String.format(Locale.ROOT, "missed by %s (%.1fx the target)", number(gap), measured / limit);
        }
        return "missed by " + number(gap);
    }

    private String number(double v) {
        return switch (unit) {
            case "ms" -> String.format(Locale.ROOT, "%.3f ms", v);
            case "us" -> String.format(Locale.ROOT, "%.0f us", v);
            default -> String.format(Locale.ROOT, "%.2f", v);
        };
    }
}
