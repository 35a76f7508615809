package io.modelgateway.billing.report;

import java.time.Instant;
import java.util.List;

/** One time bucket of a report and its results (empty when nothing happened in it). */
public record Bucket<T>(Instant start, Instant end, List<T> results) {

    public Bucket {
        results = List.copyOf(results);
    }
}
