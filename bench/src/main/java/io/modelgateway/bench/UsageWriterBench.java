package io.modelgateway.bench;

import io.modelgateway.billing.usage.UsageRecord;
import io.modelgateway.billing.usage.UsageStore;
import io.modelgateway.billing.usage.UsageWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * How many usage records per second the writer sustains into PostgreSQL.
 *
 * <p>Method: on a PostgreSQL schema of its own (the gateway's migrations), first the store alone (batches
 * of 5,000 records: {@code COPY} into a staging table, one {@code INSERT ... ON CONFLICT DO NOTHING}, the
 * hourly and daily rollups, one transaction each); then the whole writer as the gateway runs it: records
 * offered as fast as the queue takes them, grouped and forced to the local spool (group commit), stored in
 * batches of 5,000 by the writer thread, timed until the last one is in the database. Records are distinct
 * (one tenant, 7 keys, one deployment), like a busy gateway's.
 *
 * <p>Run: {@code java -cp bench/target/bench.jar io.modelgateway.bench.UsageWriterBench [records]}
 */
public final class UsageWriterBench {

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        try (BenchDatabase db = new BenchDatabase()) {
            storeOnly(db.dataSource, records);
            writer(db.dataSource, records);
        }
        System.exit(0);
    }

    private static UsageRecord record(String prefix, int i) {
        Instant at = Instant.parse("2026-03-01T00:00:00Z").plusMillis(i);
        return new UsageRecord(
                prefix + i,
                "bench",
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
    }

    private static void storeOnly(DataSource ds, int records) throws Exception {
        UsageStore store = new UsageStore(ds);
        long start = System.nanoTime();
        List<UsageRecord> batch = new ArrayList<>(5000);
        for (int i = 0; i < records; i++) {
            batch.add(record("s-", i));
            if (batch.size() == 5000 || i == records - 1) {
                store.insert(batch);
                batch.clear();
            }
        }
        print("store alone (no spool)", records, System.nanoTime() - start, "batches of 5000");
    }

    private static void writer(DataSource ds, int records) throws Exception {
        UsageWriter writer = new UsageWriter(
                        new UsageStore(ds),
                        Files.createTempDirectory("bench-spool"),
                        new UsageWriter.Settings(50_000, 5_000, Duration.ofMillis(50), Duration.ofSeconds(1)))
                .start();
        long start = System.nanoTime();
        for (int i = 0; i < records; i++) {
            UsageRecord r = record("w-", i);
            while (!writer.offer(r)) {
                LockSupport.parkNanos(200_000); // the queue is full: wait a little
            }
        }
        if (!writer.awaitStored(Duration.ofMinutes(5))) {
            throw new IllegalStateException("not stored in time");
        }
        long elapsed = System.nanoTime() - start;
        writer.close();
        print("writer (spool + store)", records, elapsed, writer.stats());
    }

    private static void print(String what, int records, long nanos, String detail) {
        System.out.printf(
                "%-24s %d records in %d ms = %d records/s (%s)%n",
                what, records, nanos / 1_000_000, records * 1_000_000_000L / Math.max(1, nanos), detail);
    }
}
