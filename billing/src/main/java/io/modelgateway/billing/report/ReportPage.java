package io.modelgateway.billing.report;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A page of buckets, every bucket of the page present, in time order.
 *
 * @param next where the next page starts, or {@code null} when this is the last
 */
public record ReportPage<T>(
        List<Bucket<T>> buckets, @Nullable Instant next) {

    public ReportPage {
        buckets = List.copyOf(buckets);
    }

    public boolean hasMore() {
        return next != null;
    }
}
