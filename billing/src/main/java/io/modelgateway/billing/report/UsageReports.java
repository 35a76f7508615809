package io.modelgateway.billing.report;

import io.modelgateway.billing.Jdbc;
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

/**
 * OpenAI's Usage API over our usage data. One indexed range per page: {@code 1d} reads {@code usage_daily}
 * and {@code 1h} {@code usage_hourly} (primary key leads with {@code bucket_start}, or
 * {@code (tenant_id, bucket_start)} for one tenant); {@code 1m} groups the records of the page's range by
 * minute ({@code usage_record_started} / {@code usage_record_tenant_started}), at most 1,440 minutes a
 * page. Blocking: call it off the event loop.
 */
public final class UsageReports {

    private final DataSource dataSource;

    public UsageReports(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public ReportPage<UsageRow> usage(UsageQuery q) throws SQLException {
        Map<Instant, List<UsageRow>> rows = new TreeMap<>();
        String sql = sql(q);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, q);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.computeIfAbsent(Jdbc.instant(rs, "b"), b -> new ArrayList<>())
                            .add(row(rs, q));
                }
            }
        }
        return page(q.pageStart(), q.pageEnd(), q.end(), q.width(), rows);
    }

    /** Every bucket of {@code [from, to)}, with the rows found for it. */
    static <T> ReportPage<T> page(
            Instant from, Instant to, Instant end, BucketWidth width, Map<Instant, List<T>> rows) {
        List<Bucket<T>> buckets = new ArrayList<>();
        for (Instant b = from; b.isBefore(to); b = b.plusSeconds(width.seconds())) {
            buckets.add(new Bucket<>(b, b.plusSeconds(width.seconds()), rows.getOrDefault(b, List.of())));
        }
        return new ReportPage<>(buckets, to.isBefore(end) ? to : null);
    }

    /** The query: one range of one table, grouped by bucket and the asked-for columns. */
    static String sql(UsageQuery q) {
        boolean raw = q.width() == BucketWidth.MINUTE;
        String bucket = raw ? "date_trunc('minute', started_at)" : "bucket_start";
        StringBuilder groups = new StringBuilder(bucket);
        StringBuilder select = new StringBuilder("SELECT " + bucket + " AS b");
        for (UsageGroup g : UsageGroup.values()) {
            if (q.groupBy().contains(g)) {
                groups.append(", ").append(g.column());
                select.append(", ").append(g.column());
            }
        }
        String time = raw ? "started_at" : "bucket_start";
        select.append(
                raw
                        ? ", COUNT(*) AS requests, SUM(input_tokens) AS input, SUM(cached_input_tokens) AS cached, "
                                + "SUM(output_tokens) AS output FROM usage_record"
                        : ", SUM(requests) AS requests, SUM(input_tokens) AS input, SUM(cached_input_tokens) AS cached, "
                                + "SUM(output_tokens) AS output FROM "
                                + (q.width() == BucketWidth.DAY ? "usage_daily" : "usage_hourly"));
        select.append(" WHERE ").append(time).append(" >= ? AND ").append(time).append(" < ?");
        select.append(" AND operation IN (")
                .append(marks(q.kind().operations().size()))
                .append(")");
        filter(select, "tenant_id", q.tenants());
        filter(select, "api_key_id", q.apiKeys());
        filter(select, "deployment", q.models());
        return select.append(" GROUP BY ")
                .append(groups)
                .append(" ORDER BY ")
                .append(groups)
                .toString();
    }

    static void filter(StringBuilder sql, String column, List<String> values) {
        if (!values.isEmpty()) {
            sql.append(" AND ")
                    .append(column)
                    .append(" IN (")
                    .append(marks(values.size()))
                    .append(")");
        }
    }

    static String marks(int n) {
        return "?, ".repeat(n - 1) + "?";
    }

    private static void bind(PreparedStatement ps, UsageQuery q) throws SQLException {
        int i = 1;
        Jdbc.setInstant(ps, i++, q.pageStart());
        Jdbc.setInstant(ps, i++, q.pageEnd());
        for (String op : q.kind().operations()) {
            ps.setString(i++, op);
        }
        for (List<String> values : List.of(q.tenants(), q.apiKeys(), q.models())) {
            for (String v : values) {
                ps.setString(i++, v);
            }
        }
    }

    private static UsageRow row(ResultSet rs, UsageQuery q) throws SQLException {
        return new UsageRow(
                q.groupBy().contains(UsageGroup.PROJECT_ID) ? rs.getString("tenant_id") : null,
                q.groupBy().contains(UsageGroup.API_KEY_ID) ? rs.getString("api_key_id") : null,
                q.groupBy().contains(UsageGroup.MODEL) ? rs.getString("deployment") : null,
                rs.getLong("requests"),
                rs.getLong("input"),
                rs.getLong("cached"),
                rs.getLong("output"));
    }
}
