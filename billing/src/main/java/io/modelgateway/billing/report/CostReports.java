package io.modelgateway.billing.report;

import io.modelgateway.billing.Jdbc;
import io.modelgateway.billing.pricing.Price;
import io.modelgateway.billing.pricing.PriceBook;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * OpenAI's Costs API over the charged usage: one range of {@code usage_daily} per page (primary key leads
 * with {@code bucket_start}; {@code usage_daily_tenant} for chosen tenants). Without {@code line_item} an
 * amount is the sum of the charged costs; with it, the exact line items of {@link UsageLines}, which sum to
 * the same. Blocking: call it off the event loop.
 */
public final class CostReports {

    private static final String SQL = "SELECT bucket_start, tenant_id, deployment, price_version, SUM(requests) AS r, "
            + "SUM(input_tokens) AS i, SUM(cached_input_tokens) AS c, SUM(output_tokens) AS o, SUM(cost_micros) AS m "
            + "FROM usage_daily WHERE bucket_start >= ? AND bucket_start < ?";
    private static final String GROUP = " GROUP BY bucket_start, tenant_id, deployment, price_version "
            + "ORDER BY bucket_start, tenant_id, deployment, price_version";

    private final DataSource dataSource;

    public CostReports(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public ReportPage<CostRow> costs(CostQuery q, PriceBook prices) throws SQLException {
        Map<Long, Price> versions = versions(prices);
        Map<Instant, Map<List<String>, BigDecimal>> sums = new TreeMap<>();
        StringBuilder sql = new StringBuilder(SQL);
        UsageReports.filter(sql, "tenant_id", q.tenants());
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql + GROUP)) {
            Jdbc.setInstant(ps, 1, q.pageStart());
            Jdbc.setInstant(ps, 2, q.pageEnd());
            int i = 3;
            for (String t : q.tenants()) {
                ps.setString(i++, t);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    add(
                            sums.computeIfAbsent(Jdbc.instant(rs, "bucket_start"), b -> new LinkedHashMap<>()),
                            rs,
                            q,
                            versions);
                }
            }
        }
        Map<Instant, List<CostRow>> rows = new HashMap<>();
        sums.forEach((b, m) -> rows.put(
                b,
                m.entrySet().stream()
                        .map(e -> new CostRow(e.getKey().get(0), e.getKey().get(1), e.getValue()))
                        .toList()));
        return UsageReports.page(q.pageStart(), q.pageEnd(), q.end(), BucketWidth.DAY, rows);
    }

    static Map<Long, Price> versions(PriceBook prices) {
        Map<Long, Price> byVersion = new HashMap<>();
        prices.all().forEach(p -> byVersion.put(p.version(), p));
        return byVersion;
    }

    private static void add(Map<List<String>, BigDecimal> bucket, ResultSet rs, CostQuery q, Map<Long, Price> versions)
            throws SQLException {
        String tenant = q.groupByProject() ? rs.getString("tenant_id") : null;
        if (!q.groupByLineItem()) {
            bucket.merge(
                    java.util.Arrays.asList(tenant, null), BigDecimal.valueOf(rs.getLong("m"), 6), BigDecimal::add);
            return;
        }
        UsageLines.Sums s = new UsageLines.Sums(
                rs.getString("deployment"),
                rs.getLong("price_version"),
                rs.getLong("r"),
                rs.getLong("i"),
                rs.getLong("c"),
                rs.getLong("o"),
                rs.getLong("m"));
        for (UsageLine line : UsageLines.of(s, versions.get(s.priceVersion()))) {
            bucket.merge(java.util.Arrays.asList(tenant, line.lineItem()), line.amount(), BigDecimal::add);
        }
    }
}
