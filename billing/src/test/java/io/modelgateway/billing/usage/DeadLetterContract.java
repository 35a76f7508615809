package io.modelgateway.billing.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.billing.TestDatabase;
import io.modelgateway.billing.usage.internal.DeadLetterFile;
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
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record the database refuses for its content harms only itself: it is found in its batch and set aside
 * (table {@code usage_dead_letter}, or the dead-letter file when that table refuses it too) while every other
 * tenant's records are stored, once, also when a restart replays the spool. Run on PostgreSQL
 * ({@link DeadLetterIT}) and on H2 in PostgreSQL mode ({@link DeadLetterH2Test}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DeadLetterContract {

    static final String LONG_SUBJECT = "jwt:" + "s".repeat(300); // wider than usage_record.api_key_id

    TestDatabase db;

    abstract TestDatabase database();

    @BeforeAll
    void open() {
        db = database();
    }

    @AfterAll
    void close() {
        db.close();
    }

    static UsageRecord record(String id, String tenant, String key, int i) {
        Instant at = Instant.parse("2026-03-01T10:00:00Z").plusMillis(i);
        return new UsageRecord(
                id,
                tenant,
                key,
                "echo",
                "echo",
                "chat",
                12,
                0,
                7,
                false,
                3,
                1,
                "completed",
                200,
                at,
                at,
                at.plusMillis(5));
    }

    /** 600 records of three tenants; the one at {@code badAt} carries {@code bad}. */
    static List<UsageRecord> traffic(String prefix, int badAt, UsageRecord bad) {
        List<UsageRecord> records = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            records.add(i == badAt ? bad : record(prefix + "-" + i, prefix + "-t" + (i % 3), "key_1", i));
        }
        return records;
    }

    long count(String sql) throws Exception {
        try (Connection c = db.dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    UsageWriter writer(Path spoolDir) {
        return new UsageWriter(
                        new UsageStore(db.dataSource),
                        spoolDir,
                        new UsageWriter.Settings(
                                10_000, 200, Duration.ofMillis(20), Duration.ofMillis(100), Duration.ZERO, false))
                .start();
    }

    @Test
    void aRecordTheDatabaseRefusesGoesAsideWhileEveryOtherRecordIsStored(@TempDir Path spoolDir) throws Exception {
        UsageRecord bad = record("dl-bad", "dl-t0", LONG_SUBJECT, 0);
        List<UsageRecord> records = traffic("dl", 123, bad);
        UsageWriter writer = writer(spoolDir);
        records.forEach(r -> assertThat(writer.offer(r)).isTrue());
        assertThat(writer.awaitStored(Duration.ofSeconds(20))).isTrue();
        writer.close();

        assertThat(count("SELECT COUNT(*) FROM usage_record WHERE request_id LIKE 'dl-%'"))
                .isEqualTo(599);
        assertThat(count("SELECT SUM(requests) FROM usage_daily WHERE tenant_id LIKE 'dl-%'"))
                .isEqualTo(599);
        assertThat(count("SELECT COUNT(*) FROM usage_dead_letter WHERE request_id = 'dl-bad' AND sql_state LIKE '22%'"))
                .isEqualTo(1);
        assertThat(count("SELECT LENGTH(api_key_id) FROM usage_dead_letter WHERE request_id = 'dl-bad'"))
                .isEqualTo(LONG_SUBJECT.length());
        assertThat(writer.deadLettered()).isEqualTo(1);
        assertThat(writer.healthy()).isTrue();
        assertThat(writer.pendingCost("dl-t1")).isZero();
    }

    @Test
    void aReplayedSpoolSetsTheSameRecordAsideOnce(@TempDir Path tmp) throws Exception {
        UsageRecord bad = record("rp-bad", "rp-t0", LONG_SUBJECT, 0);
        List<UsageRecord> records = traffic("rp", 7, bad);
        Path spoolDir = tmp.resolve("spool");
        try (Spool spool = new Spool(spoolDir, false)) { // as a killed process leaves it
            spool.append(records.subList(0, 300));
            spool.append(records.subList(300, 600));
        }
        Path copy = tmp.resolve("copy");
        Files.createDirectories(copy);
        Files.copy(spoolDir.resolve("00000000000000000001.log"), copy.resolve("00000000000000000001.log"));

        UsageWriter first = writer(spoolDir);
        assertThat(first.awaitStored(Duration.ofSeconds(20))).isTrue();
        first.close();
        UsageWriter again = writer(copy); // stored but the segment survived (a crash before its deletion)
        assertThat(again.awaitStored(Duration.ofSeconds(20))).isTrue();
        again.close();

        assertThat(first.deadLettered()).isEqualTo(1);
        assertThat(again.deadLettered()).isZero();
        assertThat(count("SELECT COUNT(*) FROM usage_record WHERE request_id LIKE 'rp-%'"))
                .isEqualTo(599);
        assertThat(count("SELECT SUM(requests) FROM usage_hourly WHERE tenant_id LIKE 'rp-%'"))
                .isEqualTo(599);
        assertThat(count("SELECT COUNT(*) FROM usage_dead_letter WHERE request_id = 'rp-bad'"))
                .isEqualTo(1);
        try (var files = Files.list(spoolDir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".log"))).isEmpty();
        }
    }

    @Test
    void aRecordTheDeadLetterTableRefusesTooGoesToTheFile(@TempDir Path spoolDir) throws Exception {
        String id = "df-" + "x".repeat(250); // wider than request_id in both tables
        List<UsageRecord> records = traffic("df", 42, record(id, "df-t0", "key_1", 0));
        UsageWriter writer = writer(spoolDir);
        records.forEach(r -> assertThat(writer.offer(r)).isTrue());
        assertThat(writer.awaitStored(Duration.ofSeconds(20))).isTrue();
        writer.close();

        assertThat(count("SELECT COUNT(*) FROM usage_record WHERE request_id LIKE 'df-%'"))
                .isEqualTo(599);
        List<String> lines = Files.readAllLines(spoolDir.resolve(DeadLetterFile.NAME));
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0))
                .contains("\"request_id\":\"" + id + "\"")
                .contains("\"tenant_id\":\"df-t0\"")
                .contains("\"cost_micros\":3")
                .contains("\"sql_state\":\"22");
        assertThat(writer.deadLettered()).isEqualTo(1);
    }
}
