package io.modelgateway.bench;

import io.modelgateway.gateway.credits.internal.BillingProbe;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;

/**
 * What credit holds and usage recording add to a call.
 *
 * <p>Method: the gateway's real {@code CreditStage} and {@code UsageStage}, on a PostgreSQL schema of their
 * own (migrated with the gateway's history; a tenant granted far more than the run spends, a priced
 * deployment), are driven the way the pipeline drives them for one call: {@code admit} (waited for: the
 * hold, from a Bucket4j bucket in memory or one Redis round trip), {@code complete} (the capture and release,
 * the usage record queued), then {@code durable} (waited for, as the answer's last bytes wait: the record
 * forced to the local spool; many calls share one fsync, the group commit). The database is written off
 * the call, in batches, by the writer's own thread. Each line times that per call, at 1 thread (every call
 * pays one fsync) and at 64 concurrent threads (calls share fsyncs); "no stages" is the loop itself.
 * PostgreSQL from {@code -Dbench.pg}, Redis from {@code -Dbench.redis}; the spool in a temp directory.
 *
 * <p>Run: {@code java -cp bench/target/bench.jar io.modelgateway.bench.BillingBench [calls per thread]}
 */
public final class BillingBench {

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 4_000;
        String redis = System.getProperty("bench.redis", "redis://127.0.0.1:6379");
        String prefix = "bench-credits:" + UUID.randomUUID() + ":";
        System.out.println("credit holds and usage recording per call (" + calls + " calls at c=1)");
        System.out.println(new StageLoop("no stages", "t1").run(1, calls));
        try (BenchDatabase db = new BenchDatabase()) {
            for (String store : new String[] {"", redis}) {
                try (BillingProbe billing = new BillingProbe(
                        db.dataSource, Files.createTempDirectory("bench-spool"), store, prefix, Duration.ZERO)) {
                    String where = store.isBlank() ? "in memory" : "Redis";
                    String tenant = "bench-" + (store.isBlank() ? "memory" : "redis");
                    billing.price("bench", 2_500_000, 10_000_000, 0);
                    billing.grant(tenant, 1_000_000_000_000L);
                    StageLoop holds = new StageLoop("credit hold, " + where, tenant, billing.creditStage());
                    System.out.println(holds.run(1, calls));
                    System.out.println(holds.run(16, calls / 4));
                    if (store.isBlank()) {
                        StageLoop usage = new StageLoop("usage record (spool fsync)", tenant, billing.usageStage());
                        System.out.println(usage.run(1, calls));
                        System.out.println(usage.run(64, calls / 8));
                    }
                    StageLoop both = new StageLoop(
                            "hold + usage record, " + where, tenant, billing.creditStage(), billing.usageStage());
                    System.out.println(both.run(1, calls));
                    System.out.println(both.run(64, calls / 8));
                    billing.writer().awaitStored(Duration.ofSeconds(60));
                    System.out.println("  writer: " + billing.writer().stats());
                }
            }
        }
        System.exit(0);
    }
}
