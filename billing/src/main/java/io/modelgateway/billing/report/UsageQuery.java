package io.modelgateway.billing.report;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One page of a usage report. {@code start} and {@code end} are bucket-aligned ({@link BucketWidth#floor},
 * {@link BucketWidth#ceil}); {@code pageStart} is where this page begins ({@code start} for the first).
 * Empty filter lists mean "all".
 */
public record UsageQuery(
        UsageKind kind,
        Instant start,
        Instant end,
        BucketWidth width,
        Set<UsageGroup> groupBy,
        List<String> tenants,
        List<String> apiKeys,
        List<String> models,
        int limit,
        Instant pageStart) {

    public UsageQuery {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(width, "width");
        groupBy = Set.copyOf(groupBy);
        tenants = List.copyOf(tenants);
        apiKeys = List.copyOf(apiKeys);
        models = List.copyOf(models);
        if (!start.equals(width.floor(start)) || !end.equals(width.ceil(end)) || !end.isAfter(start)) {
            throw new IllegalArgumentException("start and end must be bucket-aligned and end after start");
        }
        if (limit < 1 || limit > width.maxLimit()) {
            throw new IllegalArgumentException("limit must be between 1 and " + width.maxLimit());
        }
        if (pageStart.isBefore(start) || !pageStart.isBefore(end)) {
            throw new IllegalArgumentException("page outside the range");
        }
    }

    /** The end of this page: {@code limit} buckets on, or the range's end. */
    public Instant pageEnd() {
        Instant e = pageStart.plusSeconds(width.seconds() * limit);
        return e.isAfter(end) ? end : e;
    }
}
