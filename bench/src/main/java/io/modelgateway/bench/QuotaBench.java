package io.modelgateway.bench;

import io.modelgateway.gateway.quota.internal.QuotaProbe;
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
 * What a quota check adds to a call, in memory and with Redis (JMH).
 *
 * <p>Method: the gateway's real {@code QuotaStage} (RPM and TPM limits on the deployment, set far above the
 * load so every call is admitted) is driven the way the pipeline drives it for one call: {@code admit} (waited
 * for: in memory a Bucket4j bucket, with Redis one round trip of Bucket4j's Lettuce CAS proxy), then {@code
 * complete} (the TPM correction; with Redis sent without waiting). One operation is one call, one tenant (the
 * hot-key case), at 1 thread and at 16 concurrent threads; {@code noStages} is the call's construction alone
 * (the baseline to subtract). Sample time: JMH prints the mean and percentiles per operation. Redis from
 * {@code -Dbench.redis} (default {@code redis://127.0.0.1:6379}; JMH's forks inherit {@code -D} given with
 * {@code -jvmArgsAppend}); PostgreSQL from {@code -Dbench.pg}; keys under a prefix unique to the run.
 *
 * <p>Run: {@code java -cp bench/target/bench.jar io.modelgateway.bench.QuotaBench [JMH options]}
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class QuotaBench {

    /** Where the buckets live: {@code memory} (Bucket4j in the JVM) or {@code redis}. */
    @Param({"memory", "redis"})
    public String store;

    private BenchDatabase db;
    private QuotaProbe probe;
    private StageLoop loop;

    @Setup(Level.Trial)
    public void start() throws Exception {
        String redis = store.equals("redis") ? System.getProperty("bench.redis", "redis://127.0.0.1:6379") : "";
        db = new BenchDatabase();
        probe = QuotaProbe.of(
                redis, "bench-quota:" + UUID.randomUUID(), "bench", 100_000_000L, 10_000_000_000L, db.dataSource);
        loop = new StageLoop("t-" + store, probe.stage());
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        probe.close();
        db.close();
    }

    @Benchmark
    @Threads(1)
    public void quota() {
        loop.through(loop.newCall());
    }

    @Benchmark
    @Threads(16)
    public void quota16Threads() {
        loop.through(loop.newCall());
    }

    @Benchmark
    public Object noStages() {
        return loop.newCall();
    }

    public static void main(String[] args) throws Exception {
        Jmh.main(QuotaBench.class, args);
    }
}
