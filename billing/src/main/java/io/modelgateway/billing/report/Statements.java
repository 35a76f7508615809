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
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Monthly statements: computed live while a month is open, stored once when it is closed (table
 * {@code statement}) and served from there unchanged ever after. What reaches the ledger for a closed
 * month later (a usage record replayed from a spool, say) is carried into the next month as a correction,
 * and the next month opens with the closed month's stated closing balance. Reads: one tenant's
 * {@code credit_entry} by {@code (tenant_id, created_at)} and {@code usage_daily} by
 * {@code (tenant_id, bucket_start)}. Blocking: call it off the event loop.
 */
public final class Statements {

    /** The outcome of closing a month. */
    public record Closed(StoredStatement statement, boolean created) {}

    private final DataSource dataSource;
    private final String currency;

    public Statements(DataSource dataSource, String currency) {
        this.dataSource = dataSource;
        this.currency = currency;
    }

    /** The month's statement as the ledger has it now (also for a closed month: what it would say today). */
    public Statement compute(String tenant, YearMonth period, PriceBook prices) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return compute(c, tenant, period, prices);
        }
    }

    private Statement compute(Connection c, String tenant, YearMonth period, PriceBook prices) throws SQLException {
        Statement shell = new Statement(tenant, period, currency, null, 0, List.of(), List.of(), List.of());
        Instant start = shell.start();
        long credits = creditsBefore(c, tenant, start);
        long usage = usageBefore(c, tenant, start);
        List<StatementLine> adjustments = new ArrayList<>();
        long opening = credits - usage;
        Optional<StoredStatement> previous = stored(c, tenant, period.minusMonths(1));
        if (previous.isPresent()) {
            StoredStatement p = previous.get();
            opening = p.closingMicros();
            correction(
                    adjustments,
                    credits - p.creditsThroughMicros(),
                    "credits posted for " + p.period() + " after it was closed",
                    start);
            correction(
                    adjustments,
                    p.usageThroughMicros() - usage,
                    "usage recorded for " + p.period() + " or earlier after " + p.period() + " was closed",
                    start);
        }
        List<StatementLine> creditLines = new ArrayList<>();
        for (StatementLine l : entries(c, tenant, start, shell.end())) {
            (l.kind().equals("adjustment") ? adjustments : creditLines).add(l);
        }
        return new Statement(
                tenant,
                period,
                currency,
                null,
                opening,
                creditLines,
                usageLines(c, tenant, start, shell.end(), prices),
                adjustments);
    }

    private static void correction(List<StatementLine> lines, long micros, String description, Instant at) {
        if (micros != 0) {
            lines.add(new StatementLine(0, "correction", description, at, BigDecimal.valueOf(micros, 6)));
        }
    }

    /** The stored statement of a closed month. */
    public Optional<StoredStatement> stored(String tenant, YearMonth period) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return stored(c, tenant, period);
        }
    }

    /**
     * Closes a month that has ended: renders its statement once and stores the bytes. Closing a closed
     * month returns the stored statement unchanged ({@code created} false).
     *
     * @throws IllegalStateException when the month has not ended at {@code now}
     */
    public Closed close(
            String tenant,
            YearMonth period,
            Instant now,
            PriceBook prices,
            Function<Statement, byte[]> json,
            Function<Statement, byte[]> csv)
            throws SQLException {
        Statement shell = new Statement(tenant, period, currency, null, 0, List.of(), List.of(), List.of());
        if (now.isBefore(shell.end())) {
            throw new IllegalStateException("month " + period + " has not ended yet");
        }
        return Jdbc.inTransaction(dataSource, c -> {
            Optional<StoredStatement> existing = stored(c, tenant, period);
            if (existing.isPresent()) {
                return new Closed(existing.get(), false);
            }
            Statement s = compute(c, tenant, period, prices).closedAt(now);
            StoredStatement stored = new StoredStatement(
                    tenant,
                    period,
                    now,
                    creditsBefore(c, tenant, s.end()),
                    usageBefore(c, tenant, s.end()),
                    json.apply(s),
                    csv.apply(s));
            return insert(c, stored)
                    ? new Closed(stored, true)
                    : new Closed(stored(c, tenant, period).orElseThrow(), false);
        });
    }

    private static boolean insert(Connection c, StoredStatement s) throws SQLException {
        String sql = "INSERT INTO statement (tenant_id, period, closed_at, credits_through_micros, "
                + "usage_through_micros, json_body, csv_body) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, s.tenant());
            ps.setString(2, s.period().toString());
            Jdbc.setInstant(ps, 3, s.closedAt());
            ps.setLong(4, s.creditsThroughMicros());
            ps.setLong(5, s.usageThroughMicros());
            ps.setBytes(6, s.json());
            ps.setBytes(7, s.csv());
            return ps.executeUpdate() == 1;
        }
    }

    private static Optional<StoredStatement> stored(Connection c, String tenant, YearMonth period) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT closed_at, credits_through_micros, "
                + "usage_through_micros, json_body, csv_body FROM statement WHERE tenant_id = ? AND period = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, period.toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredStatement(
                        tenant,
                        period,
                        Jdbc.requiredInstant(rs, "closed_at"),
                        rs.getLong("credits_through_micros"),
                        rs.getLong("usage_through_micros"),
                        rs.getBytes("json_body"),
                        rs.getBytes("csv_body")));
            }
        }
    }

    private static long creditsBefore(Connection c, String tenant, Instant t) throws SQLException {
        return sum(
                c,
                "SELECT COALESCE(SUM(amount_micros), 0) FROM credit_entry WHERE tenant_id = ? AND created_at < ?",
                tenant,
                t);
    }

    private static long usageBefore(Connection c, String tenant, Instant t) throws SQLException {
        return sum(
                c,
                "SELECT COALESCE(SUM(cost_micros), 0) FROM usage_daily WHERE tenant_id = ? AND bucket_start < ?",
                tenant,
                t);
    }

    private static long sum(Connection c, String sql, String tenant, Instant t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            Jdbc.setInstant(ps, 2, t);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<StatementLine> entries(Connection c, String tenant, Instant start, Instant end)
            throws SQLException {
        List<StatementLine> lines = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, kind, amount_micros, note, created_at FROM credit_entry WHERE tenant_id = ? AND created_at"
                        + " >= ? AND created_at < ? ORDER BY created_at, id")) {
            ps.setString(1, tenant);
            Jdbc.setInstant(ps, 2, start);
            Jdbc.setInstant(ps, 3, end);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String kind = rs.getString("kind");
                    String note = rs.getString("note");
                    lines.add(new StatementLine(
                            rs.getLong("id"),
                            kind,
                            note == null ? kind : note,
                            Jdbc.requiredInstant(rs, "created_at"),
                            BigDecimal.valueOf(rs.getLong("amount_micros"), 6)));
                }
            }
        }
        return lines;
    }

    private static List<UsageLine> usageLines(Connection c, String tenant, Instant start, Instant end, PriceBook prices)
            throws SQLException {
        Map<Long, Price> versions = CostReports.versions(prices);
        List<UsageLine> lines = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT deployment, price_version, SUM(requests) AS r,"
                + " SUM(input_tokens) AS i, SUM(cached_input_tokens) AS ci, SUM(output_tokens) AS o, SUM(cost_micros) AS m"
                + " FROM usage_daily WHERE tenant_id = ? AND bucket_start >= ? AND bucket_start < ? GROUP BY deployment,"
                + " price_version ORDER BY deployment, price_version")) {
            ps.setString(1, tenant);
            Jdbc.setInstant(ps, 2, start);
            Jdbc.setInstant(ps, 3, end);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UsageLines.Sums s = new UsageLines.Sums(
                            rs.getString("deployment"),
                            rs.getLong("price_version"),
                            rs.getLong("r"),
                            rs.getLong("i"),
                            rs.getLong("ci"),
                            rs.getLong("o"),
                            rs.getLong("m"));
                    lines.addAll(UsageLines.of(s, versions.get(s.priceVersion())));
                }
            }
        }
        return lines;
    }
}
