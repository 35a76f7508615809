package io.modelgateway.bench;

import io.modelgateway.billing.ledger.Ledger;
import io.modelgateway.billing.ledger.Posting;
import io.modelgateway.billing.pricing.Price;
import io.modelgateway.billing.pricing.PriceBook;
import io.modelgateway.billing.pricing.PriceStore;
import io.modelgateway.billing.pricing.Tokens;
import io.modelgateway.billing.report.BucketWidth;
import io.modelgateway.billing.report.CostQuery;
import io.modelgateway.billing.report.CostReports;
import io.modelgateway.billing.report.Csv;
import io.modelgateway.billing.report.Reconciliation;
import io.modelgateway.billing.report.ReconciliationReport;
import io.modelgateway.billing.report.RecordCursor;
import io.modelgateway.billing.report.StatementCsv;
import io.modelgateway.billing.report.Statements;
import io.modelgateway.billing.report.UsageGroup;
import io.modelgateway.billing.report.UsageKind;
import io.modelgateway.billing.report.UsageQuery;
import io.modelgateway.billing.report.UsageReports;
import io.modelgateway.billing.usage.UsageRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The finance reports over 1,000,000 usage records in PostgreSQL.
 *
 * <p><b>Method.</b> Creates a fresh schema ({@code fin_bench_<random>}) in the database {@code test} on
 * 127.0.0.1:5432 (argument 1 overrides the JDBC URL), applies the billing migrations (V10, V40), stores
 * four price versions, and seeds 1,000,000 usage records of January 2026 (20 tenants x 3 keys, 3 chat
 * deployments and 1 embeddings deployment, token counts from a fixed-seed random, costs from the prices)
 * with {@code COPY ... FROM STDIN}; the hourly and daily rollups are then built with one
 * {@code INSERT ... SELECT ... GROUP BY} each (what the usage writer maintains incrementally), and the
 * schema is {@code ANALYZE}d. Each report is run once to warm up and then 5 times; the median and the
 * best wall-clock times are printed, with {@code EXPLAIN} plans of the main queries. The schema is dropped
 * at the end. Reports: Usage API 1d over the month grouped by project and model (all tenants), 1h over a
 * week by project, 1m over a day for one tenant; Costs API over the month by project and line item; one
 * tenant's monthly statement (compute + JSON/CSV render); one tenant's raw records as CSV through the
 * cursor; reconciliation of one tenant's month and of everyone's month (a full audit, reads every record
 * of the range by design).
 *
 * <p>Run: {@code java -cp bench/target/bench.jar io.modelgateway.bench.FinanceBench [jdbc-url]}.
 */
public final class FinanceBench {

    static final int RECORDS = 1_000_000;
    static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
    static final String[] DEPLOYMENTS = {"gpt-a", "gpt-b", "gpt-c", "embed"};

    private FinanceBench() {}

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "jdbc:postgresql://127.0.0.1:5432/test";
        String schema =
                "fin_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        sql(base, "CREATE SCHEMA " + schema);
        try {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema);
            ds.setUser("postgres");
            run(ds);
        } finally {
            sql(base, "DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private static void run(DataSource ds) throws Exception {
        migrate(ds, "/db/migration/V10__billing.sql");
        migrate(ds, "/db/migration/V40__statements.sql");
        PriceBook prices = prices(ds);
        long t0 = System.nanoTime();
        seed(ds, prices);
        System.out.printf("seeded %,d records and their rollups in %.1f s%n", RECORDS, (System.nanoTime() - t0) / 1e9);
        Ledger ledger = new Ledger(ds, "usd");
        for (int t = 0; t < 20; t++) {
            ledger.post(Posting.grant(tenant(t), 1_000_000_000L, null, null, "bench"), JAN.minusSeconds(86_400));
        }
        explain(ds);
        Instant feb = Instant.parse("2026-02-01T00:00:00Z");
        UsageReports usage = new UsageReports(ds);
        CostReports costs = new CostReports(ds);
        time(
                "usage 1d, month, all tenants, group_by project_id+model",
                () -> usage.usage(new UsageQuery(
                                UsageKind.COMPLETIONS,
                                JAN,
                                feb,
                                BucketWidth.DAY,
                                Set.of(UsageGroup.PROJECT_ID, UsageGroup.MODEL),
                                List.of(),
                                List.of(),
                                List.of(),
                                31,
                                JAN))
                        .buckets()
                        .size());
        time(
                "usage 1h, week, all tenants, group_by project_id",
                () -> usage.usage(new UsageQuery(
                                UsageKind.COMPLETIONS,
                                JAN,
                                JAN.plusSeconds(7 * 86_400),
                                BucketWidth.HOUR,
                                Set.of(UsageGroup.PROJECT_ID),
                                List.of(),
                                List.of(),
                                List.of(),
                                168,
                                JAN))
                        .buckets()
                        .size());
        time(
                "usage 1m, one day, one tenant",
                () -> usage.usage(new UsageQuery(
                                UsageKind.COMPLETIONS,
                                JAN,
                                JAN.plusSeconds(86_400),
                                BucketWidth.MINUTE,
                                Set.of(),
                                List.of("tenant-07"),
                                List.of(),
                                List.of(),
                                1440,
                                JAN))
                        .buckets()
                        .size());
        time(
                "costs 1d, month, group_by project_id+line_item",
                () -> costs.costs(new CostQuery(JAN, feb, true, true, List.of(), 31, JAN), prices)
                        .buckets()
                        .size());
        Statements statements = new Statements(ds, "usd");
        time(
                "statement, one tenant, month (compute + CSV render)",
                () -> StatementCsv.render(statements.compute("tenant-07", YearMonth.of(2026, 1), prices)).length);
        time("raw records CSV, one tenant, month (cursor)", () -> recordsCsv(ds, feb));
        Reconciliation rec = new Reconciliation(ds);
        time("reconciliation, one tenant, month", () -> check(rec.run(JAN, feb, List.of("tenant-07"), prices)));
        time(
                "reconciliation, all tenants, month (audit: reads all 1M)",
                () -> check(rec.run(JAN, feb, List.of(), prices)));
    }

    private static long check(ReconciliationReport r) {
        if (!r.clean()) {
            throw new IllegalStateException("reconciliation found " + r.differencesFound() + " differences");
        }
        return r.recordsChecked();
    }

    private static long recordsCsv(DataSource ds, Instant end) throws SQLException {
        long bytes = 0;
        try (RecordCursor c = RecordCursor.open(ds, JAN, end, List.of("tenant-07"), 1000)) {
            for (List<UsageRecord> b = c.next(1000); !b.isEmpty(); b = c.next(1000)) {
                StringBuilder sb = new StringBuilder();
                b.forEach(r -> Csv.record(sb, r));
                bytes += sb.length();
            }
        }
        return bytes;
    }

    @FunctionalInterface
    interface Work {
        Object run() throws Exception;
    }

    private static void time(String name, Work work) throws Exception {
        Object result = work.run();
        long[] ns = new long[5];
        for (int i = 0; i < ns.length; i++) {
            long t = System.nanoTime();
            work.run();
            ns[i] = System.nanoTime() - t;
        }
        Arrays.sort(ns);
        System.out.printf("%-62s median %7.1f ms  best %7.1f ms  (%s)%n", name, ns[2] / 1e6, ns[0] / 1e6, result);
    }

    private static PriceBook prices(DataSource ds) throws SQLException {
        PriceStore store = new PriceStore(ds);
        Instant from = JAN.minusSeconds(86_400 * 30);
        store.add(new Price(0, "gpt-a", from, 2_500_000, 1_250_000, 10_000_000, 0, "usd"), from);
        store.add(new Price(0, "gpt-b", from, 150_000, 75_000, 600_000, 0, "usd"), from);
        store.add(new Price(0, "gpt-c", from, 500_000, 0, 1_500_000, 100, "usd"), from);
        store.add(new Price(0, "embed", from, 20_000, 0, 0, 0, "usd"), from);
        return store.load();
    }

    static String tenant(int t) {
        return String.format("tenant-%02d", t);
    }

    /** COPY of generated records (streamed, never all in memory), then the rollups from them. */
    private static void seed(DataSource ds, PriceBook prices) throws SQLException, IOException {
        try (Connection c = ds.getConnection()) {
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            "COPY usage_record (request_id, tenant_id, api_key_id, "
                                    + "deployment, model, operation, input_tokens, cached_input_tokens, output_tokens, estimated, "
                                    + "cost_micros, price_version, outcome, status, started_at, first_token_at, ended_at) FROM STDIN",
                            new Generated(prices));
            try (Statement s = c.createStatement()) {
                s.execute("SET TIME ZONE 'UTC'");
                for (String table : List.of("usage_hourly:hour", "usage_daily:day")) {
                    String[] p = table.split(":");
                    s.execute("INSERT INTO " + p[0] + " SELECT date_trunc('" + p[1] + "', started_at), tenant_id, "
                            + "api_key_id, deployment, model, operation, price_version, COUNT(*), SUM(input_tokens), "
                            + "SUM(cached_input_tokens), SUM(output_tokens), SUM(cost_micros) FROM usage_record GROUP BY "
                            + "1, tenant_id, api_key_id, deployment, model, operation, price_version");
                }
                s.execute("ANALYZE");
            }
        }
    }

    /** The records as COPY text, generated as COPY reads them. */
    private static final class Generated extends Reader {
        private final SplittableRandom random = new SplittableRandom(42);
        private final PriceBook prices;
        private int next;
        private String line = "";
        private int pos;

        Generated(PriceBook prices) {
            this.prices = prices;
        }

        @Override
        public int read(char[] buf, int off, int len) {
            if (pos == line.length()) {
                if (next == RECORDS) {
                    return -1;
                }
                line = line(next++);
                pos = 0;
            }
            int n = Math.min(len, line.length() - pos);
            line.getChars(pos, pos + n, buf, off);
            pos += n;
            return n;
        }

        private String line(int i) {
            int t = random.nextInt(20);
            String deployment = DEPLOYMENTS[random.nextInt(4)];
            boolean embed = deployment.equals("embed");
            int in = 10 + random.nextInt(4000);
            int cached = embed || random.nextInt(4) != 0 ? 0 : random.nextInt(in);
            int out = embed ? 0 : 1 + random.nextInt(1000);
            Instant at = JAN.plusMillis(random.nextLong(31L * 86_400_000L));
            Price p = prices.at(deployment, at).orElseThrow();
            long cost = p.cost(new Tokens(in, cached, out));
            return "req-" + i + "\t" + tenant(t) + "\tkey-" + t + "-" + random.nextInt(3) + "\t" + deployment
                    + "\tbackend\t" + (embed ? "embeddings" : "chat") + "\t" + in + "\t" + cached + "\t" + out
                    + "\tf\t" + cost + "\t" + p.version() + "\tcompleted\t200\t" + at + "\t" + at + "\t"
                    + at.plusSeconds(2) + "\n";
        }

        @Override
        public void close() {}
    }

    private static void explain(DataSource ds) throws SQLException {
        List<String> queries = new ArrayList<>(List.of(
                "SELECT bucket_start, tenant_id, SUM(requests) FROM usage_daily WHERE bucket_start >= '2026-01-01Z' "
                        + "AND bucket_start < '2026-02-01Z' AND operation IN ('chat','text_completion') GROUP BY 1, 2",
                "SELECT date_trunc('minute', started_at), COUNT(*) FROM usage_record WHERE started_at >= '2026-01-01Z' "
                        + "AND started_at < '2026-01-02Z' AND tenant_id IN ('tenant-07') GROUP BY 1",
                "SELECT deployment, price_version, SUM(cost_micros) FROM usage_daily WHERE tenant_id = 'tenant-07' "
                        + "AND bucket_start >= '2026-01-01Z' AND bucket_start < '2026-02-01Z' GROUP BY 1, 2"));
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            for (String q : queries) {
                System.out.println("EXPLAIN " + q);
                try (ResultSet rs = s.executeQuery("EXPLAIN " + q)) {
                    while (rs.next()) {
                        System.out.println("    " + rs.getString(1));
                    }
                }
            }
        }
    }

    private static void migrate(DataSource ds, String resource) throws IOException, SQLException {
        String script;
        try (InputStream in = FinanceBench.class.getResourceAsStream(resource)) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder clean = new StringBuilder();
        for (String line : script.split("\n")) {
            int comment = line.indexOf("--");
            clean.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            for (String statement : clean.toString().split(";")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
        }
    }

    private static void sql(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
