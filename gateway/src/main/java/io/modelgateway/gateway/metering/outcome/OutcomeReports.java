package io.modelgateway.gateway.metering.outcome;

import io.modelgateway.billing.report.Bucket;
import io.modelgateway.billing.report.ReportPage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code call_outcome} for the Outcomes API: one range of the primary key (or of the tenant index) per
 * page, summed per bucket and asked-for group. Blocking: call it off the event loop.
 */
public final class OutcomeReports {

    private static final Map<String, String> COLUMNS =
            Map.of("project_id", "tenant_id", "model", "deployment", "outcome", "outcome", "code", "code");

    private final DataSource dataSource;

    public OutcomeReports(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public ReportPage<OutcomeRow> outcomes(OutcomeQuery q) throws SQLException {
        Map<Long, List<OutcomeRow>> rows = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql(q))) {
            bind(ps, q);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.computeIfAbsent(rs.getLong("b"), b -> new ArrayList<>())
                            .add(row(rs, q));
                }
            }
        }
        List<Bucket<OutcomeRow>> buckets = new ArrayList<>();
        long width = q.width().seconds();
        Instant to = q.pageEnd();
        for (Instant b = q.pageStart(); b.isBefore(to); b = b.plusSeconds(width)) {
            buckets.add(new Bucket<>(b, b.plusSeconds(width), rows.getOrDefault(b.getEpochSecond(), List.of())));
        }
        return new ReportPage<>(buckets, to.isBefore(q.end()) ? to : null);
    }

    static String sql(OutcomeQuery q) {
        String bucket = "minute_start - MOD(minute_start, " + q.width().seconds() + ")";
        StringBuilder groups = new StringBuilder(bucket);
        StringBuilder sql = new StringBuilder("SELECT ").append(bucket).append(" AS b");
        for (String g : OutcomeQuery.GROUPS) {
            if (q.groupBy().contains(g)) {
                groups.append(", ").append(COLUMNS.get(g));
                sql.append(", ").append(COLUMNS.get(g));
            }
        }
        sql.append(", SUM(requests) AS requests FROM call_outcome WHERE minute_start >= ? AND minute_start < ?");
        if (!q.tenants().isEmpty()) {
            sql.append(" AND tenant_id IN (").append(marks(q.tenants().size())).append(")");
        } else if (!q.withoutTenant()) {
            sql.append(" AND tenant_id <> ''");
        }
        if (!q.models().isEmpty()) {
            sql.append(" AND deployment IN (").append(marks(q.models().size())).append(")");
        }
        if (!q.outcomes().isEmpty()) {
            sql.append(" AND outcome IN (").append(marks(q.outcomes().size())).append(")");
        }
        return sql.append(" GROUP BY ")
                .append(groups)
                .append(" ORDER BY ")
                .append(groups)
                .toString();
    }

    private static String marks(int n) {
        return "?, ".repeat(n - 1) + "?";
    }

    private static void bind(PreparedStatement ps, OutcomeQuery q) throws SQLException {
        int i = 1;
        ps.setLong(i++, q.pageStart().getEpochSecond());
        ps.setLong(i++, q.pageEnd().getEpochSecond());
        for (String v : q.tenants()) {
            ps.setString(i++, v);
        }
        for (String v : q.models()) {
            ps.setString(i++, v);
        }
        for (OutcomeClass o : q.outcomes()) {
            ps.setString(i++, o.value());
        }
    }

    private static OutcomeRow row(ResultSet rs, OutcomeQuery q) throws SQLException {
        return new OutcomeRow(
                column(rs, q, "project_id"),
                column(rs, q, "model"),
                column(rs, q, "outcome"),
                column(rs, q, "code"),
                rs.getLong("requests"));
    }

    /** A grouped column's value; '' (no tenant, no deployment, no code) reads as {@code null}. */
    private static @Nullable String column(ResultSet rs, OutcomeQuery q, String group) throws SQLException {
        if (!q.groupBy().contains(group)) {
            return null;
        }
        String v = rs.getString(COLUMNS.get(group));
        return v == null || v.isEmpty() ? null : v;
    }
}
