package io.modelgateway.billing.report;

import io.modelgateway.billing.Jdbc;
import io.modelgateway.billing.pricing.Price;
import io.modelgateway.billing.pricing.PriceBook;
import io.modelgateway.billing.pricing.Tokens;
import io.modelgateway.billing.usage.UsageRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Checks the books over whole UTC days: every usage record's cost is recomputed from its tokens and price
 * version; every daily rollup is recomputed from its records; and each tenant's balance is recomputed from
 * its credit entries and its records and compared with the ledger's (which reads the rollups). It reads
 * the range's records through a cursor ({@code usage_record_started}), so its cost grows with the range:
 * an audit job, not a dashboard query. Blocking: call it off the event loop.
 */
public final class Reconciliation {

    public static final int MAX_LISTED = 1000;

    private final DataSource dataSource;

    public Reconciliation(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    private record Key(
            Instant day,
            String tenant,
            String apiKey,
            String deployment,
            String model,
            String operation,
            long priceVersion) {
        String describe() {
            return day + "/" + apiKey + "/" + deployment + "/" + model + "/" + operation + "/v" + priceVersion;
        }
    }

    private final class Run {
        final List<Difference> listed = new ArrayList<>();
        long found;
        long records;
        long rollups;
        final Map<Key, long[]> sums = new HashMap<>();

        void differ(String kind, String tenant, String subject, long stored, long recomputed) {
            found++;
            if (listed.size() < MAX_LISTED) {
                listed.add(new Difference(kind, tenant, subject, stored, recomputed));
            }
        }
    }

    /** Reconciles the days {@code [start, end)} (widened to whole days), for the given tenants or all. */
    public ReconciliationReport run(Instant start, Instant end, List<String> tenants, PriceBook prices)
            throws SQLException {
        Instant from = start.truncatedTo(ChronoUnit.DAYS);
        Instant to = BucketWidth.DAY.ceil(end);
        Map<Long, Price> versions = CostReports.versions(prices);
        Run run = new Run();
        try (RecordCursor cursor = RecordCursor.open(dataSource, from, to, tenants, 5000)) {
            for (List<UsageRecord> batch = cursor.next(5000); !batch.isEmpty(); batch = cursor.next(5000)) {
                batch.forEach(r -> check(run, r, versions));
            }
        }
        checkRollups(run, from, to, tenants);
        TreeSet<String> seen = new TreeSet<>(tenants);
        run.sums.keySet().forEach(k -> seen.add(k.tenant()));
        for (String tenant : seen) {
            checkBalance(run, tenant);
        }
        return new ReconciliationReport(from, to, run.records, run.rollups, seen.size(), run.found, run.listed);
    }

    private void check(Run run, UsageRecord r, Map<Long, Price> versions) {
        run.records++;
        long expected = expectedCost(r, versions.get(r.priceVersion()));
        if (expected != r.costMicros()) {
            run.differ("record_cost", r.tenant(), r.requestId(), r.costMicros(), expected);
        }
        Key k = new Key(
                r.startedAt().truncatedTo(ChronoUnit.DAYS),
                r.tenant(),
                r.apiKeyId(),
                r.deployment(),
                r.model(),
                r.operation(),
                r.priceVersion());
        long[] s = run.sums.computeIfAbsent(k, x -> new long[5]);
        s[0]++;
        s[1] += r.inputTokens();
        s[2] += r.cachedInputTokens();
        s[3] += r.outputTokens();
        s[4] += r.costMicros();
    }

    /** The cost a record should have; -1 when it names a price version that does not exist. */
    static long expectedCost(UsageRecord r, @Nullable Price price) {
        if (r.priceVersion() == 0) {
            return 0;
        }
        if (price == null) {
            return -1;
        }
        return price.cost(new Tokens(r.inputTokens(), r.cachedInputTokens(), r.outputTokens()));
    }

    private void checkRollups(Run run, Instant from, Instant to, List<String> tenants) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT bucket_start, tenant_id, api_key_id, deployment, model, "
                + "operation, price_version, requests, input_tokens, cached_input_tokens, output_tokens, cost_micros "
                + "FROM usage_daily WHERE bucket_start >= ? AND bucket_start < ?");
        UsageReports.filter(sql, "tenant_id", tenants);
        Map<Key, long[]> left = new HashMap<>(run.sums);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql.toString())) {
            Jdbc.setInstant(ps, 1, from);
            Jdbc.setInstant(ps, 2, to);
            for (int i = 0; i < tenants.size(); i++) {
                ps.setString(3 + i, tenants.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    run.rollups++;
                    Key k = new Key(
                            Jdbc.requiredInstant(rs, "bucket_start"),
                            rs.getString("tenant_id"),
                            rs.getString("api_key_id"),
                            rs.getString("deployment"),
                            rs.getString("model"),
                            rs.getString("operation"),
                            rs.getLong("price_version"));
                    long[] stored = {
                        rs.getLong("requests"),
                        rs.getLong("input_tokens"),
                        rs.getLong("cached_input_tokens"),
                        rs.getLong("output_tokens"),
                        rs.getLong("cost_micros")
                    };
                    compare(run, k, stored, left.remove(k));
                }
            }
        }
        left.forEach((k, sums) -> compare(run, k, new long[5], sums));
    }

    private static final String[] FIELDS = {
        "requests", "input_tokens", "cached_input_tokens", "output_tokens", "cost_micros"
    };

    private static void compare(Run run, Key k, long[] stored, long @Nullable [] recomputed) {
        long[] expected = recomputed == null ? new long[5] : recomputed;
        for (int i = 0; i < FIELDS.length; i++) {
            if (stored[i] != expected[i]) {
                run.differ("rollup", k.tenant(), k.describe() + " " + FIELDS[i], stored[i], expected[i]);
            }
        }
    }

    private void checkBalance(Run run, String tenant) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            long credits =
                    sum(c, "SELECT COALESCE(SUM(amount_micros), 0) FROM credit_entry WHERE tenant_id = ?", tenant);
            long records = sum(c, "SELECT COALESCE(SUM(cost_micros), 0) FROM usage_record WHERE tenant_id = ?", tenant);
            long rollups = sum(c, "SELECT COALESCE(SUM(cost_micros), 0) FROM usage_daily WHERE tenant_id = ?", tenant);
            if (credits - rollups != credits - records) {
                run.differ("balance", tenant, tenant, credits - rollups, credits - records);
            }
        }
    }

    private static long sum(Connection c, String sql, String tenant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
