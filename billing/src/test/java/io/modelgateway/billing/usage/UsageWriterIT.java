package io.modelgateway.billing.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.modelgateway.billing.TestDatabase;
import io.modelgateway.billing.usage.internal.Spool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage writer against the real PostgreSQL: every record stored exactly once through a real outage
 * (the connection to PostgreSQL is cut and restored), across a restart with batches left in the spool,
 * and over a large run (its rate is measured by bench, not asserted here).
 */
class UsageWriterIT {

    static TestDatabase db;

    @BeforeAll
    static void open() {
        db = TestDatabase.postgres();
    }

    @AfterAll
    static void close() {
        db.close();
    }

    static UsageRecord record(String tenant, int i, long cost) {
        Instant at = Instant.parse("2026-03-01T10:00:00Z").plusMillis(i);
        return new UsageRecord(
                tenant + "-" + i,
                tenant,
                "key_1",
                "echo",
                "echo",
                "chat",
                12,
                0,
                7,
                false,
                cost,
                1,
                "completed",
                200,
                at,
                at,
                at.plusMillis(5));
    }

    static long count(String sql) throws Exception {
        try (Connection c = db.dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static HikariDataSource through(TcpProxy proxy) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test?currentSchema=" + db.schema
                + "&connectTimeout=1&socketTimeout=2");
        c.setUsername("postgres");
        c.setPassword("");
        c.setMaximumPoolSize(2);
        c.setConnectionTimeout(1000);
        c.setInitializationFailTimeout(-1);
        return new HikariDataSource(c);
    }

    @Test
    void noRecordIsLostOrDoubledWhilePostgresIsUnreachable(@TempDir Path spoolDir) throws Exception {
        try (TcpProxy proxy = new TcpProxy(5432);
                HikariDataSource ds = through(proxy)) {
            UsageWriter writer = new UsageWriter(
                            new UsageStore(ds),
                            spoolDir,
                            new UsageWriter.Settings(10_000, 200, Duration.ofMillis(20), Duration.ofMillis(300)))
                    .start();
            int n = 0;
            for (; n < 1000; n++) {
                assertThat(writer.offer(record("t-out", n, 3))).isTrue();
            }
            assertThat(writer.awaitStored(Duration.ofSeconds(10))).isTrue();
            proxy.down();
            for (; n < 3000; n++) {
                assertThat(writer.offer(record("t-out", n, 3))).isTrue();
                if (n % 500 == 0) { // a burst at a time: each one is taken from the queue before the next
                    await().atMost(Duration.ofSeconds(10)).until(() -> writer.queued() == 0);
                }
            }
            // the failed store is noticed and the records wait in the spool
            await().atMost(Duration.ofSeconds(10)).until(() -> !writer.healthy() && writer.spooledBatches() > 0);
            assertThat(Files.list(spoolDir)
                            .filter(f -> f.toString().endsWith(".log"))
                            .count())
                    .isPositive();
            assertThat(count("SELECT COUNT(*) FROM usage_record WHERE tenant_id = 't-out'"))
                    .isLessThan(3000);
            proxy.up();
            for (; n < 4000; n++) {
                assertThat(writer.offer(record("t-out", n, 3))).isTrue();
            }
            assertThat(writer.awaitStored(Duration.ofSeconds(30))).isTrue();
            writer.close();
            assertThat(count("SELECT COUNT(*) FROM usage_record WHERE tenant_id = 't-out'"))
                    .isEqualTo(4000);
            assertThat(count("SELECT COUNT(DISTINCT request_id) FROM usage_record WHERE tenant_id = 't-out'"))
                    .isEqualTo(4000);
            assertThat(count("SELECT SUM(requests) FROM usage_hourly WHERE tenant_id = 't-out'"))
                    .isEqualTo(4000);
            assertThat(count("SELECT SUM(cost_micros) FROM usage_daily WHERE tenant_id = 't-out'"))
                    .isEqualTo(12_000);
            assertThat(writer.pendingCost("t-out")).isZero();
            assertThat(Files.list(spoolDir)
                            .filter(f -> f.toString().endsWith(".log"))
                            .count())
                    .isZero();
        }
    }

    @Test
    void batchesLeftInTheSpoolAreStoredOnceOnStart(@TempDir Path spoolDir) throws Exception {
        // As a killed process leaves it: one batch stored but still in the spool, one only in the spool.
        List<UsageRecord> stored = new ArrayList<>();
        List<UsageRecord> onlySpooled = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            (i < 150 ? stored : onlySpooled).add(record("t-crash", i, 5));
        }
        try (Spool spool = new Spool(spoolDir)) {
            spool.append(stored);
            spool.append(onlySpooled);
        }
        new UsageStore(db.dataSource).insert(stored);
        Files.writeString(
                spoolDir.resolve("00000000000000000001.log"),
                "torn write",
                java.nio.file.StandardOpenOption.APPEND); // a group cut short by the crash

        UsageWriter writer = new UsageWriter(
                        new UsageStore(db.dataSource),
                        spoolDir,
                        new UsageWriter.Settings(1000, 100, Duration.ofMillis(10), Duration.ofMillis(100)))
                .start();
        assertThat(writer.offer(record("t-crash", 300, 5))).isTrue();
        assertThat(writer.awaitStored(Duration.ofSeconds(10))).isTrue();
        writer.close();
        assertThat(count("SELECT COUNT(*) FROM usage_record WHERE tenant_id = 't-crash'"))
                .isEqualTo(301);
        assertThat(count("SELECT SUM(requests) FROM usage_daily WHERE tenant_id = 't-crash'"))
                .isEqualTo(301);
        assertThat(Files.list(spoolDir)
                        .filter(f -> f.toString().endsWith(".log"))
                        .count())
                .isZero();
    }

    @Test
    void aSpoolServesOneWriterAtATime(@TempDir Path spoolDir) {
        try (Spool first = new Spool(spoolDir)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Spool(spoolDir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use");
        }
        new Spool(spoolDir).close(); // free again
    }

    @Test
    void aFullQueueRefusesInsteadOfBlocking(@TempDir Path spoolDir) throws Exception {
        try (TcpProxy proxy = new TcpProxy(5432);
                HikariDataSource ds = through(proxy)) {
            UsageWriter writer = new UsageWriter(
                    new UsageStore(ds),
                    spoolDir,
                    new UsageWriter.Settings(10, 10, Duration.ofSeconds(5), Duration.ofSeconds(5)));
            // not started: nothing drains the queue
            for (int i = 0; i < 10; i++) {
                assertThat(writer.reserve()).isTrue();
            }
            assertThat(writer.reserve()).isFalse();
            writer.cancel();
            assertThat(writer.reserve()).isTrue();
        }
    }

    /**
     * A large run through spool and COPY stores every record exactly once. Speed is not asserted here (a timed
     * test on a shared machine proves nothing): {@code bench/}'s UsageWriterBench measures the rate; the rate
     * of this run is printed for information.
     */
    @Test
    void storesEveryRecordOfALargeRunOnce(@TempDir Path spoolDir) throws Exception {
        System.out.println("store only, " + UsageWriterBench.storeOnly(db.dataSource, 50_000, "t-rate0"));
        UsageWriterBench.Result r = UsageWriterBench.run(db.dataSource, spoolDir, 100_000, "t-rate");
        System.out.println(r);
        assertThat(count("SELECT COUNT(*) FROM usage_record WHERE tenant_id = 't-rate'"))
                .isEqualTo(100_000);
    }
}
