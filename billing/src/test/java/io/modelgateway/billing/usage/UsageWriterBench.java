package io.modelgateway.billing.usage;

import io.modelgateway.billing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * How many usage records per second the writer stores into PostgreSQL, spool included (each batch is
 * forced to disk before it is stored). Run: {@code ./mvnw -pl billing -am test-compile exec...} or from an
 * IDE; {@code UsageWriterIT} runs it too and prints the result. Argument: the number of records.
 */
public final class UsageWriterBench {

    public record Result(int records, Duration elapsed, String stats) {
        public long recordsPerSecond() {
            return records * 1_000_000_000L / Math.max(1, elapsed.toNanos());
        }

        @Override
        public String toString() {
            return String.format(
                    "usage writer: %d records into PostgreSQL in %d ms = %d records/s (%s)",
                    records, elapsed.toMillis(), recordsPerSecond(), stats);
        }
    }

    public static Result run(DataSource ds, Path spoolDir, int records, String tenant) throws Exception {
        UsageWriter writer = new UsageWriter(
                        new UsageStore(ds),
                        spoolDir,
                        new UsageWriter.Settings(50_000, 5_000, Duration.ofMillis(50), Duration.ofSeconds(1)))
                .start();
        Instant base = Instant.parse("2026-03-01T00:00:00Z");
        long start = System.nanoTime();
        for (int i = 0; i < records; i++) {
            Instant at = base.plusMillis(i);
            UsageRecord r = new UsageRecord(
                    tenant + "-" + i,
                    tenant,
                    "key_" + (i % 7),
                    "echo",
                    "echo",
                    "chat",
                    120,
                    0,
                    80,
                    false,
                    1234,
                    1,
                    "completed",
                    200,
                    at,
                    at,
                    at.plusMillis(300));
            while (!writer.offer(r)) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000); // the queue is full: wait a little
            }
        }
        if (!writer.awaitStored(Duration.ofMinutes(2))) {
            throw new IllegalStateException("not stored in time");
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        writer.close();
        return new Result(records, elapsed, writer.stats());
    }

    /** The store alone, batches of 5000, no spool: where the time goes. */
    public static Result storeOnly(DataSource ds, int records, String tenant) throws Exception {
        UsageStore store = new UsageStore(ds);
        Instant base = Instant.parse("2026-03-02T00:00:00Z");
        long start = System.nanoTime();
        java.util.List<UsageRecord> batch = new java.util.ArrayList<>(5000);
        for (int i = 0; i < records; i++) {
            Instant at = base.plusMillis(i);
            batch.add(new UsageRecord(
                    tenant + "-s" + i,
                    tenant,
                    "key_" + (i % 7),
                    "echo",
                    "echo",
                    "chat",
                    120,
                    0,
                    80,
                    false,
                    1234,
                    1,
                    "completed",
                    200,
                    at,
                    at,
                    at.plusMillis(300)));
            if (batch.size() == 5000 || i == records - 1) {
                store.insert(batch);
                batch.clear();
            }
        }
        return new Result(records, Duration.ofNanos(System.nanoTime() - start), "no spool");
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        try (TestDatabase db = TestDatabase.postgres()) {
            System.out.println("store only, " + storeOnly(db.dataSource, records, "bench"));
            System.out.println(run(db.dataSource, Files.createTempDirectory("usage-spool"), records, "bench"));
        }
    }
}
