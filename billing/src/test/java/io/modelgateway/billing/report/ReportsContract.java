package io.modelgateway.billing.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelgateway.billing.TestDatabase;
import io.modelgateway.billing.ledger.Ledger;
import io.modelgateway.billing.ledger.Posting;
import io.modelgateway.billing.pricing.Price;
import io.modelgateway.billing.pricing.PriceBook;
import io.modelgateway.billing.pricing.PriceStore;
import io.modelgateway.billing.usage.UsageRecord;
import io.modelgateway.billing.usage.UsageStore;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The finance reports against known records, every number computed by hand. Prices (micro-units per 1M
 * tokens = micro-units per token): {@code alpha} 2 in, 1 cached, 8 out, 1000 per call; {@code beta} 0.5 in,
 * 1.5 out (so per-call rounding shows); {@code emb} 0.1 in. Records (March 2020, UTC):
 * <pre>
 * r1 t1 k1 alpha chat  in 1000 (200 cached) out 100    03-01 00:00:10  cost 800*2+200*1+100*8+1000 = 3600
 * r2 t1 k1 alpha chat  in 500 out 50                   03-01 00:00:50  1000+400+1000 = 2400
 * r3 t1 k2 beta  text  in 3 out 2                      03-01 01:30:00  1.5+3 = 4.5 -> 5
 * r4 t2 k3 alpha chat  in 100 out 10                   03-02 10:00:00  200+80+1000 = 1280
 * r5 t2 k3 emb   embed in 1000                         03-02 10:05:00  100
 * r6 t1 k1 beta  chat  in 1 out 1                      03-03 23:59:59  0.5+1.5 = 2
 * r7 t1 k1 alpha chat  in 1,000,000 out 500,000        03-15 12:00:00  2,000,000+4,000,000+1000 = 6,001,000
 * </pre>
 * Credits: t1 grant 10 (02-15), top-up 5.005 (03-10), adjustment -0.003 (03-20); t2 grant 1 (03-01).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReportsContract {

    static final Instant MAR1 = Instant.parse("2020-03-01T00:00:00Z");
    static final long DAY = 86_400;

    TestDatabase db;
    PriceBook prices;
    Ledger ledger;
    UsageStore store;
    long alpha;
    long beta;

    abstract TestDatabase database();

    @BeforeAll
    void seed() throws Exception {
        db = database();
        PriceStore ps = new PriceStore(db.dataSource);
        Instant from = Instant.parse("2020-01-01T00:00:00Z");
        alpha = ps.add(new Price(0, "alpha", from, 2_000_000, 1_000_000, 8_000_000, 1000, "usd"), from)
                .orElseThrow()
                .version();
        beta = ps.add(new Price(0, "beta", from, 500_000, 0, 1_500_000, 0, "usd"), from)
                .orElseThrow()
                .version();
        long emb = ps.add(new Price(0, "emb", from, 100_000, 0, 0, 0, "usd"), from)
                .orElseThrow()
                .version();
        prices = ps.load();
        store = new UsageStore(db.dataSource);
        store.insert(List.of(
                rec("r1", "t1", "k1", "alpha", "chat", 1000, 200, 100, 3600, alpha, "2020-03-01T00:00:10Z"),
                rec("r2", "t1", "k1", "alpha", "chat", 500, 0, 50, 2400, alpha, "2020-03-01T00:00:50Z"),
                rec("r3", "t1", "k2", "beta", "text_completion", 3, 0, 2, 5, beta, "2020-03-01T01:30:00Z"),
                rec("r4", "t2", "k3", "alpha", "chat", 100, 0, 10, 1280, alpha, "2020-03-02T10:00:00Z"),
                rec("r5", "t2", "k3", "emb", "embeddings", 1000, 0, 0, 100, emb, "2020-03-02T10:05:00Z"),
                rec("r6", "t1", "k1", "beta", "chat", 1, 0, 1, 2, beta, "2020-03-03T23:59:59Z"),
                rec(
                        "r7",
                        "t1",
                        "k1",
                        "alpha",
                        "chat",
                        1_000_000,
                        0,
                        500_000,
                        6_001_000,
                        alpha,
                        "2020-03-15T12:00:00Z")));
        ledger = new Ledger(db.dataSource, "usd");
        ledger.post(Posting.grant("t1", 10_000_000, null, null, "welcome"), Instant.parse("2020-02-15T00:00:00Z"));
        ledger.post(Posting.topUp("t1", 5_005_000, "order-1", "order 1"), Instant.parse("2020-03-10T00:00:00Z"));
        ledger.post(Posting.adjustment("t1", -3_000, null, "goodwill"), Instant.parse("2020-03-20T00:00:00Z"));
        ledger.post(Posting.grant("t2", 1_000_000, null, null, null), MAR1);
    }

    @AfterAll
    void drop() {
        db.close();
    }

    static UsageRecord rec(
            String id,
            String tenant,
            String key,
            String deployment,
            String op,
            int in,
            int cached,
            int out,
            long cost,
            long version,
            String at) {
        Instant t = Instant.parse(at);
        return new UsageRecord(
                id,
                tenant,
                key,
                deployment,
                "echo",
                op,
                in,
                cached,
                out,
                false,
                cost,
                version,
                "completed",
                200,
                t,
                t,
                t.plusSeconds(1));
    }

    private ReportPage<UsageRow> usage(
            UsageKind kind,
            BucketWidth w,
            Instant start,
            Instant end,
            Set<UsageGroup> g,
            List<String> tenants,
            int limit,
            Instant page)
            throws Exception {
        return new UsageReports(db.dataSource)
                .usage(new UsageQuery(kind, start, end, w, g, tenants, List.of(), List.of(), limit, page));
    }

    @Test
    void dailyCompletionsWithoutGroups() throws Exception {
        ReportPage<UsageRow> p = usage(
                UsageKind.COMPLETIONS, BucketWidth.DAY, MAR1, MAR1.plusSeconds(3 * DAY), Set.of(), List.of(), 7, MAR1);
        assertThat(p.buckets()).hasSize(3);
        assertThat(p.hasMore()).isFalse();
        assertThat(p.buckets().get(0).results()).containsExactly(new UsageRow(null, null, null, 3, 1503, 200, 152));
        assertThat(p.buckets().get(1).results()).containsExactly(new UsageRow(null, null, null, 1, 100, 0, 10));
        assertThat(p.buckets().get(2).results()).containsExactly(new UsageRow(null, null, null, 1, 1, 0, 1));
        assertThat(p.buckets().get(1).start()).isEqualTo(MAR1.plusSeconds(DAY));
        assertThat(p.buckets().get(1).end()).isEqualTo(MAR1.plusSeconds(2 * DAY));
    }

    @Test
    void groupedByProjectAndModel() throws Exception {
        ReportPage<UsageRow> p = usage(
                UsageKind.COMPLETIONS,
                BucketWidth.DAY,
                MAR1,
                MAR1.plusSeconds(DAY),
                Set.of(UsageGroup.PROJECT_ID, UsageGroup.MODEL),
                List.of(),
                7,
                MAR1);
        assertThat(p.buckets().get(0).results())
                .containsExactly(
                        new UsageRow("t1", null, "alpha", 2, 1500, 200, 150),
                        new UsageRow("t1", null, "beta", 1, 3, 0, 2));
        ReportPage<UsageRow> keys = usage(
                UsageKind.COMPLETIONS,
                BucketWidth.DAY,
                MAR1,
                MAR1.plusSeconds(2 * DAY),
                Set.of(UsageGroup.API_KEY_ID),
                List.of(),
                7,
                MAR1);
        assertThat(keys.buckets().get(0).results())
                .containsExactly(
                        new UsageRow(null, "k1", null, 2, 1500, 200, 150), new UsageRow(null, "k2", null, 1, 3, 0, 2));
        assertThat(keys.buckets().get(1).results()).containsExactly(new UsageRow(null, "k3", null, 1, 100, 0, 10));
    }

    @Test
    void hourlyPagesAndMinuteBuckets() throws Exception {
        Instant end = MAR1.plusSeconds(DAY);
        ReportPage<UsageRow> first =
                usage(UsageKind.COMPLETIONS, BucketWidth.HOUR, MAR1, end, Set.of(), List.of(), 2, MAR1);
        assertThat(first.buckets()).hasSize(2);
        assertThat(first.buckets().get(0).results()).containsExactly(new UsageRow(null, null, null, 2, 1500, 200, 150));
        assertThat(first.buckets().get(1).results()).containsExactly(new UsageRow(null, null, null, 1, 3, 0, 2));
        assertThat(first.next()).isEqualTo(MAR1.plusSeconds(7200));
        ReportPage<UsageRow> last = usage(
                UsageKind.COMPLETIONS, BucketWidth.HOUR, MAR1, end, Set.of(), List.of(), 24, MAR1.plusSeconds(7200));
        assertThat(last.buckets()).hasSize(22).allMatch(b -> b.results().isEmpty());
        assertThat(last.hasMore()).isFalse();
        ReportPage<UsageRow> minutes = usage(
                UsageKind.COMPLETIONS,
                BucketWidth.MINUTE,
                MAR1,
                MAR1.plusSeconds(120),
                Set.of(UsageGroup.API_KEY_ID),
                List.of("t1"),
                60,
                MAR1);
        assertThat(minutes.buckets()).hasSize(2);
        assertThat(minutes.buckets().get(0).results())
                .containsExactly(new UsageRow(null, "k1", null, 2, 1500, 200, 150));
        assertThat(minutes.buckets().get(1).results()).isEmpty();
    }

    @Test
    void tenantFilterEmbeddingsAndAnEmptyRange() throws Exception {
        ReportPage<UsageRow> t2 = usage(
                UsageKind.COMPLETIONS,
                BucketWidth.DAY,
                MAR1,
                MAR1.plusSeconds(3 * DAY),
                Set.of(),
                List.of("t2"),
                7,
                MAR1);
        assertThat(t2.buckets().get(0).results()).isEmpty();
        assertThat(t2.buckets().get(1).results()).containsExactly(new UsageRow(null, null, null, 1, 100, 0, 10));
        ReportPage<UsageRow> emb = usage(
                UsageKind.EMBEDDINGS,
                BucketWidth.DAY,
                MAR1,
                MAR1.plusSeconds(3 * DAY),
                Set.of(UsageGroup.MODEL),
                List.of(),
                7,
                MAR1);
        assertThat(emb.buckets().get(1).results()).containsExactly(new UsageRow(null, null, "emb", 1, 1000, 0, 0));
        Instant may = Instant.parse("2020-05-01T00:00:00Z");
        ReportPage<UsageRow> empty =
                usage(UsageKind.COMPLETIONS, BucketWidth.DAY, may, may.plusSeconds(DAY), Set.of(), List.of(), 7, may);
        assertThat(empty.buckets()).hasSize(1);
        assertThat(empty.buckets().get(0).results()).isEmpty();
    }

    @Test
    void costsPerDayAndPerLineItem() throws Exception {
        CostReports costs = new CostReports(db.dataSource);
        ReportPage<CostRow> days =
                costs.costs(new CostQuery(MAR1, MAR1.plusSeconds(31 * DAY), false, false, List.of(), 2, MAR1), prices);
        assertThat(days.buckets()).hasSize(2);
        assertThat(days.next()).isEqualTo(MAR1.plusSeconds(2 * DAY));
        assertThat(days.buckets().get(0).results())
                .containsExactly(new CostRow(null, null, new BigDecimal("0.006005")));
        assertThat(days.buckets().get(1).results())
                .containsExactly(new CostRow(null, null, new BigDecimal("0.001380")));
        ReportPage<CostRow> lines =
                costs.costs(new CostQuery(MAR1, MAR1.plusSeconds(DAY), true, true, List.of(), 7, MAR1), prices);
        List<CostRow> day1 = lines.buckets().get(0).results();
        assertThat(day1)
                .extracting(r -> r.tenant() + "|" + r.lineItem() + "|" + Csv.decimal(r.amount()))
                .containsExactly(
                        "t1|alpha, input|0.0026",
                        "t1|alpha, cached input|0.0002",
                        "t1|alpha, output|0.0012",
                        "t1|alpha, requests|0.002",
                        "t1|beta, input|0.0000015",
                        "t1|beta, output|0.000003",
                        "t1|beta, rounding|0.0000005");
        BigDecimal sum = day1.stream().map(CostRow::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(sum).isEqualByComparingTo("0.006005");
        ReportPage<CostRow> projects = costs.costs(
                new CostQuery(
                        MAR1.plusSeconds(DAY),
                        MAR1.plusSeconds(2 * DAY),
                        true,
                        false,
                        List.of("t2"),
                        7,
                        MAR1.plusSeconds(DAY)),
                prices);
        assertThat(projects.buckets().get(0).results())
                .containsExactly(new CostRow("t2", null, new BigDecimal("0.001380")));
    }

    @Test
    void csvOfReportsAndRecords() throws Exception {
        ReportPage<UsageRow> p = usage(
                UsageKind.COMPLETIONS,
                BucketWidth.DAY,
                MAR1,
                MAR1.plusSeconds(DAY),
                Set.of(UsageGroup.PROJECT_ID, UsageGroup.MODEL),
                List.of(),
                7,
                MAR1);
        assertThat(Csv.usage(new StringBuilder(Csv.USAGE_HEADER), p.buckets().get(0))
                        .toString())
                .isEqualTo(Csv.USAGE_HEADER
                        + "2020-03-01T00:00:00Z,2020-03-02T00:00:00Z,t1,,alpha,2,1500,200,150\r\n"
                        + "2020-03-01T00:00:00Z,2020-03-02T00:00:00Z,t1,,beta,1,3,0,2\r\n");
        StringBuilder rows = new StringBuilder();
        try (RecordCursor c = RecordCursor.open(db.dataSource, MAR1, MAR1.plusSeconds(DAY), List.of("t1"), 2)) {
            List<UsageRecord> all = new ArrayList<>();
            for (List<UsageRecord> b = c.next(2); !b.isEmpty(); b = c.next(2)) {
                assertThat(b.size()).isLessThanOrEqualTo(2);
                all.addAll(b);
            }
            assertThat(all).extracting(UsageRecord::requestId).containsExactly("r1", "r2", "r3");
            Csv.record(rows, all.get(0));
        }
        assertThat(rows.toString())
                .isEqualTo("r1,t1,k1,alpha,echo,chat,1000,200,100,false,0.003600," + alpha
                        + ",completed,200,2020-03-01T00:00:10Z,2020-03-01T00:00:10Z,2020-03-01T00:00:11Z\r\n");
        assertThat(Csv.field(new StringBuilder(), "a \"b\", c").toString()).isEqualTo("\"a \"\"b\"\", c\"");
    }

    private static byte[] json(io.modelgateway.billing.report.Statement s) {
        return ("{\"closing\":\"" + s.closing() + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void statementsCloseOnceAndCarryLateUsageIntoTheNextMonth() throws Exception {
        Statements statements = new Statements(db.dataSource, "usd");
        YearMonth march = YearMonth.of(2020, 3);
        io.modelgateway.billing.report.Statement s = statements.compute("t1", march, prices);
        assertThat(s.openingMicros()).isEqualTo(10_000_000);
        assertThat(s.credits()).extracting(StatementLine::amount).containsExactly(new BigDecimal("5.005000"));
        assertThat(s.creditsTotal()).isEqualByComparingTo("5.00"); // half-even
        assertThat(s.adjustments()).extracting(StatementLine::amount).containsExactly(new BigDecimal("-0.003000"));
        assertThat(s.adjustmentsTotal()).isEqualByComparingTo("0.00");
        assertThat(s.usage())
                .extracting(l -> l.lineItem() + "|" + l.quantity() + "|" + Csv.decimal(l.amount()))
                .containsExactly(
                        "alpha, input|1001300|2.0026",
                        "alpha, cached input|200|0.0002",
                        "alpha, output|500150|4.0012",
                        "alpha, requests|3|0.003",
                        "beta, input|4|0.000002",
                        "beta, output|3|0.0000045",
                        "beta, rounding|0|0.0000005");
        // half-even lines would give 10.00 + 5.00 + 0.00 - 6.00 = 9.00, but the exact closing 8.994993 is 8.99:
        // the line whose rounding strayed furthest (alpha requests, 0.003 shown as 0.00) moves one cent
        assertThat(s.rounded().usage())
                .extracting(BigDecimal::toPlainString)
                .containsExactly("2.00", "0.00", "4.00", "0.01", "0.00", "0.00", "0.00");
        assertThat(s.usageTotal()).isEqualByComparingTo("6.01");
        assertThat(s.closing()).isEqualByComparingTo("8.99");
        assertThat(s.closingMicros()).isEqualTo(8_994_993).isEqualTo(10_000_000 + 5_005_000 - 3_000 - 6_007_007);
        assertThatThrownBy(() -> statements.close(
                        "t1",
                        march,
                        Instant.parse("2020-03-31T23:00:00Z"),
                        prices,
                        ReportsContract::json,
                        StatementCsv::render))
                .isInstanceOf(IllegalStateException.class);
        Instant closedAt = Instant.parse("2020-04-02T00:00:00Z");
        Statements.Closed closed =
                statements.close("t1", march, closedAt, prices, ReportsContract::json, StatementCsv::render);
        assertThat(closed.created()).isTrue();
        byte[] csv = closed.statement().csv();
        String text = new String(csv, StandardCharsets.UTF_8);
        assertThat(text)
                .startsWith(StatementCsv.HEADER)
                .contains("t1,2020-03,usage,,\"alpha, input\",alpha," + alpha + ",input,1001300,2,2.00,2.0026,usd\r\n")
                .contains("t1,2020-03,total,,usage,,,,,,6.01,,usd\r\n")
                .endsWith("t1,2020-03,closing_balance,2020-04-01T00:00:00Z,closing balance,,,,,,8.99,8.994993,usd\r\n");

        // a late record for March and an April grant: March stays as it was, April carries the correction
        store.insert(List.of(rec("r8", "t1", "k1", "alpha", "chat", 0, 0, 1000, 9000, alpha, "2020-03-31T12:00:00Z")));
        ledger.post(Posting.grant("t1", 1_000_000, null, null, "april"), Instant.parse("2020-04-05T00:00:00Z"));
        Statements.Closed again = statements.close(
                "t1", march, closedAt.plusSeconds(DAY), prices, ReportsContract::json, StatementCsv::render);
        assertThat(again.created()).isFalse();
        assertThat(again.statement().csv()).isEqualTo(csv);
        assertThat(statements.stored("t1", march).orElseThrow().csv()).isEqualTo(csv);
        io.modelgateway.billing.report.Statement april = statements.compute("t1", YearMonth.of(2020, 4), prices);
        assertThat(april.openingMicros()).isEqualTo(8_994_993);
        assertThat(april.adjustments())
                .extracting(StatementLine::kind, StatementLine::amount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("correction", new BigDecimal("-0.009000")));
        assertThat(april.closing()).isEqualByComparingTo("9.99"); // 9.985993 half-even; the -0.009 shows as 0.00
        assertThat(april.rounded().adjustments())
                .extracting(BigDecimal::toPlainString)
                .containsExactly("0.00");
        assertThat(april.closingMicros())
                .isEqualTo(9_985_993)
                .isEqualTo(ledger.balance("t1").balance());
    }

    @Test
    void penniesAddUpToTheTotal() {
        List<BigDecimal> exact =
                List.of(new BigDecimal("0.333333"), new BigDecimal("0.333333"), new BigDecimal("0.333334"));
        assertThat(Pennies.allocate(exact, new BigDecimal("1.00")))
                .extracting(BigDecimal::toPlainString)
                .containsExactly("0.33", "0.33", "0.34");
        assertThat(Pennies.allocate(List.of(new BigDecimal("0.125"), new BigDecimal("0.135")), new BigDecimal("0.26")))
                .extracting(BigDecimal::toPlainString)
                .containsExactly("0.12", "0.14"); // half-even already adds up
    }

    @Test
    void reconciliationFindsNothingThenCatchesATamperedRecord() throws Exception {
        Reconciliation rec = new Reconciliation(db.dataSource);
        Instant apr = Instant.parse("2020-04-01T00:00:00Z");
        ReconciliationReport clean = rec.run(MAR1, MAR1.plusSeconds(2 * DAY), List.of("t2"), prices);
        assertThat(clean.differences()).isEmpty();
        assertThat(clean.recordsChecked()).isEqualTo(2);
        assertThat(rec.run(MAR1, apr, List.of(), prices).clean()).isTrue();
        try (Connection c = db.dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE usage_record SET cost_micros = 1281 WHERE request_id = 'r4'");
        }
        ReconciliationReport tampered = rec.run(MAR1, apr, List.of(), prices);
        assertThat(tampered.differences())
                .containsExactlyInAnyOrder(
                        new Difference("record_cost", "t2", "r4", 1281, 1280),
                        new Difference(
                                "rollup",
                                "t2",
                                "2020-03-02T00:00:00Z/k3/alpha/echo/chat/v" + alpha + " cost_micros",
                                1280,
                                1281),
                        new Difference("balance", "t2", "t2", 1_000_000 - 1380, 1_000_000 - 1381));
        try (Connection c = db.dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE usage_record SET cost_micros = 1280 WHERE request_id = 'r4'");
        }
    }
}
