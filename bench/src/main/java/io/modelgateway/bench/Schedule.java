package io.modelgateway.bench;

/**
 * The open-loop timetable: request {@code i} is due at {@code start + i / rate}, whatever happened to
 * the requests before it. Latency is measured from this intended time, so a stall of the system (or of
 * the generator) shows up in the latency of every request that should have been sent during it
 * (no coordinated omission).
 *
 * @param startNanos the {@link System#nanoTime()} at which request 0 is due
 * @param ratePerSecond requests per second, greater than zero
 */
record Schedule(long startNanos, double ratePerSecond) {

    Schedule {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate must be a positive finite number: " + ratePerSecond);
        }
    }

    /** When request {@code i} (0-based) is due, in nanoTime units. Exact to the nanosecond, no drift. */
    long intendedStart(long i) {
        if (i < 0) {
            throw new IllegalArgumentException("negative index " + i);
        }
        return startNanos + Math.round(i * (1e9 / ratePerSecond));
    }

    /** The number of requests a phase of {@code seconds} at {@code rate} sends (at least 1). */
    static long count(double ratePerSecond, double seconds) {
        if (!(ratePerSecond > 0) || !(seconds > 0)) {
            throw new IllegalArgumentException("rate and seconds must be positive");
        }
        return Math.max(1, Math.round(ratePerSecond * seconds));
    }
}
