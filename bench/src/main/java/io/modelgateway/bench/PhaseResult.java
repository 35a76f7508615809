package io.modelgateway.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one measured phase on one path collected: latencies (microseconds, HdrHistogram, 3 significant
 * digits), successes, and every error by kind with one sample message. Thread-safe; after
 * {@link #close} late outcomes are ignored (they are counted as unfinished instead).
 */
final class PhaseResult {

    final String phase;
    final String path;
    private final Recorder latency = new Recorder(3);
    private final Recorder sendLag = new Recorder(3);
    private final LongAdder ok = new LongAdder();
    private final LongAdder okInWindow = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, String> samples = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private Histogram latencyHistogram;
    private Histogram lagHistogram;
    private long unfinished;
    private long windowNanos;

    PhaseResult(String phase, String path) {
        this.phase = phase;
        this.path = path;
    }

    static long micros(long nanos) {
        return nanos <= 0 ? 0 : (nanos + 500) / 1000;
    }

    void sent(long lagNanos) {
        sent.increment();
        sendLag.recordValue(micros(lagNanos));
    }

    void sent() {
        sent.increment();
    }

    void success(long latencyNanos, boolean inWindow) {
        if (closed) {
            return;
        }
        latency.recordValue(micros(latencyNanos));
        ok.increment();
        if (inWindow) {
            okInWindow.increment();
        }
    }

    void error(String kind, String detail) {
        if (closed) {
            return;
        }
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        samples.putIfAbsent(kind, detail == null ? "" : detail);
    }

    void errors(String kind, long n, String detail) {
        if (closed || n <= 0) {
            return;
        }
        errors.computeIfAbsent(kind, k -> new LongAdder()).add(n);
        samples.putIfAbsent(kind, detail == null ? "" : detail);
    }

    /** Ends the phase: freezes the histograms; requests still open are counted as unfinished. */
    void close(long windowNanos) {
        closed = true;
        this.windowNanos = windowNanos;
        latencyHistogram = latency.getIntervalHistogram();
        lagHistogram = sendLag.getIntervalHistogram();
        long accounted = ok.sum() + errorCount();
        unfinished = Math.max(0, sent.sum() - accounted);
    }

    long sentCount() {
        return sent.sum();
    }

    long okCount() {
        return ok.sum();
    }

    long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Errors plus requests that never finished: everything that was not a success. */
    long failures() {
        return errorCount() + unfinished;
    }

    long unfinished() {
        return unfinished;
    }

    Map<String, Long> errorsByKind() {
        Map<String, Long> m = new TreeMap<>();
        errors.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    String sample(String kind) {
        return samples.get(kind);
    }

    Percentiles latency() {
        return Percentiles.of(latencyHistogram);
    }

    Percentiles sendLag() {
        return Percentiles.of(lagHistogram);
    }

    double meanLatencyMicros() {
        return latencyHistogram == null || latencyHistogram.getTotalCount() == 0 ? 0 : latencyHistogram.getMean();
    }

    /** Successes completed within the measuring window per second of the window. */
    double throughput() {
        return windowNanos <= 0 ? 0 : okInWindow.sum() * 1e9 / windowNanos;
    }
}
