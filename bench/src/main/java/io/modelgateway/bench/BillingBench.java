package io.modelgateway.bench;

import io.modelgateway.gateway.credits.internal.BillingProbe;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What credit holds and usage recording add to a call (JMH).
 *
 * <p>Method: the gateway's real {@code CreditStage} and {@code UsageStage}, on a PostgreSQL schema of their
 * own (migrated with the gateway's history; a tenant granted far more than the run spends, a priced
 * deployment), are driven the way the pipeline drives them for one call: {@code admit} (waited for: the
 * hold, from a Bucket4j bucket in memory or one Redis round trip), {@code complete} (the capture and release,
 * the usage record queued), then {@code durable} (waited for, as the answer's last bytes wait: the record
 * forced to the local spool; many calls share one fsync, the group commit). The database is written off
 * the call, in batches, by the writer's own thread. One operation is one call: the hold alone (1 and 16
 * threads), the usage record alone and hold + usage record (1 thread: every call pays one fsync; 64 threads:
 * calls share fsyncs); {@code noStages} is the call's construction alone. Sample time: JMH prints the mean and
 * percentiles per operation; the writer's counts are printed at the end of each trial. PostgreSQL from {@code
 * -Dbench.pg}, Redis from {@code -Dbench.redis}; the spool in a temp directory.
 *
 * <p>Run: {@code java -cp bench/target/bench.jar io.modelgateway.bench.BillingBench [JMH options]}
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class BillingBench {

    /** Where credit balances and holds live: {@code memory} or {@code redis}. */
    @Param({"memory", "redis"})
    public String store;

    BenchDatabase db;
    BillingProbe billing;
    private StageLoop holds;
    private StageLoop usage;
    private StageLoop both;

    @Setup(Level.Trial)
    public void start() throws Exception {
        String redis = store.equals("redis") ? System.getProperty("bench.redis", "redis://127.0.0.1:6379") : "";
        String tenant = "bench-" + store;
        db = new BenchDatabase();
        billing = new BillingProbe(
                db.dataSource,
                Files.createTempDirectory("bench-spool"),
                redis,
                "bench-credits:" + UUID.randomUUID() + ":",
                Duration.ZERO);
        billing.price("bench", 2_500_000, 10_000_000, 0);
        billing.grant(tenant, 1_000_000_000_000L);
        holds = new StageLoop(tenant, billing.creditStage());
        usage = new StageLoop(tenant, billing.usageStage());
        both = new StageLoop(tenant, billing.creditStage(), billing.usageStage());
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        billing.writer().awaitStored(Duration.ofSeconds(60));
        System.out.println("  writer (" + store + "): " + billing.writer().stats());
        billing.close();
        db.close();
    }

    @Benchmark
    @Threads(1)
    public void hold() {
        holds.through(holds.newCall());
    }

    @Benchmark
    @Threads(16)
    public void hold16Threads() {
        holds.through(holds.newCall());
    }

    @Benchmark
    @Threads(1)
    public void usageRecord() {
        usage.through(usage.newCall());
    }

    @Benchmark
    @Threads(64)
    public void usageRecord64Threads() {
        usage.through(usage.newCall());
    }

    @Benchmark
    @Threads(1)
    public void holdAndUsageRecord() {
        both.through(both.newCall());
    }

    @Benchmark
    @Threads(64)
    public void holdAndUsageRecord64Threads() {
        both.through(both.newCall());
    }

    @Benchmark
    public Object noStages() {
        return holds.newCall();
    }

    public static void main(String[] args) throws Exception {
        Jmh.main(BillingBench.class, args);
    }
}
