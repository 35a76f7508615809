package io.modelgateway.gateway.metering.outcome;

import io.modelgateway.billing.report.BucketWidth;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A query of the Outcomes API.
 *
 * @param groupBy the result fields to group by: {@code project_id}, {@code model}, {@code outcome}, {@code code}
 * @param tenants only these tenants (empty: all the caller may see)
 * @param withoutTenant whether requests refused before a tenant was known are included (admins only)
 * @param pageStart the first bucket of this page
 */
public record OutcomeQuery(
        Instant start,
        Instant end,
        BucketWidth width,
        Set<String> groupBy,
        List<String> tenants,
        boolean withoutTenant,
        List<String> models,
        List<OutcomeClass> outcomes,
        int limit,
        Instant pageStart) {

    /** The result fields a query may group by. */
    public static final List<String> GROUPS = List.of("project_id", "model", "outcome", "code");

    public OutcomeQuery {
        groupBy = Set.copyOf(groupBy);
        tenants = List.copyOf(tenants);
        models = List.copyOf(models);
        outcomes = List.copyOf(outcomes);
    }

    /** Where this page ends: {@code limit} buckets on, or the range's end. */
    public Instant pageEnd() {
        Instant end = pageStart.plusSeconds(width.seconds() * limit);
        return end.isAfter(this.end) ? this.end : end;
    }
}
