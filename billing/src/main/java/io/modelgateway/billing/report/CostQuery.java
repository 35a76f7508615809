package io.modelgateway.billing.report;

import java.time.Instant;
import java.util.List;

/**
 * One page of the costs report: daily buckets only (as OpenAI's Costs API), at most 180 a page.
 *
 * @param groupByProject group by {@code project_id} (our tenant)
 * @param groupByLineItem group by {@code line_item} ({@code "<deployment>, <token type>"})
 */
public record CostQuery(
        Instant start,
        Instant end,
        boolean groupByProject,
        boolean groupByLineItem,
        List<String> tenants,
        int limit,
        Instant pageStart) {

    public static final int MAX_LIMIT = 180;
    public static final int DEFAULT_LIMIT = 7;

    public CostQuery {
        tenants = List.copyOf(tenants);
        BucketWidth day = BucketWidth.DAY;
        if (!start.equals(day.floor(start)) || !end.equals(day.ceil(end)) || !end.isAfter(start)) {
            throw new IllegalArgumentException("start and end must be day-aligned and end after start");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
        if (pageStart.isBefore(start) || !pageStart.isBefore(end)) {
            throw new IllegalArgumentException("page outside the range");
        }
    }

    public Instant pageEnd() {
        Instant e = pageStart.plusSeconds(BucketWidth.DAY.seconds() * limit);
        return e.isAfter(end) ? end : e;
    }
}
