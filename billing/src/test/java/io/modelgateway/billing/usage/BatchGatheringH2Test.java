package io.modelgateway.billing.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelgateway.billing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store thread gathers spooled groups into a batch until the batch's deadline, and is woken before it when
 * the groups fill a batch: with a deadline of an hour, a full batch is stored at once, in one transaction, and a
 * batch short of full waits for its deadline (or the writer's close, which stores what is spooled).
 */
class BatchGatheringH2Test {

    static final TestDatabase db = TestDatabase.h2();

    @AfterAll
    static void close() {
        db.close();
    }

    static long count(String tenant) throws Exception {
        try (Connection c = db.dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM usage_record WHERE tenant_id = '" + tenant + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void groupsThatFillABatchAreStoredAtOnceAsOneBatch(@TempDir Path spoolDir) throws Exception {
        try (UsageWriter writer = new UsageWriter(
                        new UsageStore(db.dataSource),
                        spoolDir,
                        new UsageWriter.Settings(100, 4, Duration.ofHours(1), Duration.ofSeconds(1)))
                .start()) {
            // each record its own spool group: the next is submitted once the previous one is durable
            for (int i = 0; i < 3; i++) {
                writer.submit(UsageWriterIT.record("gather-a", i, 1)).get();
            }
            assertThat(writer.spooledBatches())
                    .as("short of a batch: waiting for the deadline")
                    .isEqualTo(3);
            assertThat(count("gather-a")).isZero();

            writer.submit(UsageWriterIT.record("gather-a", 3, 1)).get();
            await().atMost(Duration.ofSeconds(20)).until(() -> count("gather-a") == 4);
            assertThat(writer.stats()).contains("4 spool groups").contains(" 1 database batches,");
        }
    }

    @Test
    void aBatchShortOfFullIsStoredOnClose(@TempDir Path spoolDir) throws Exception {
        UsageWriter writer = new UsageWriter(
                        new UsageStore(db.dataSource),
                        spoolDir,
                        new UsageWriter.Settings(100, 50, Duration.ofHours(1), Duration.ofSeconds(1)))
                .start();
        List<CompletableFuture<Void>> durable = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            durable.add(writer.submit(UsageWriterIT.record("gather-b", i, 1)));
        }
        CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new)).get();
        assertThat(count("gather-b")).isZero();
        writer.close();
        assertThat(count("gather-b")).isEqualTo(5);
    }
}
