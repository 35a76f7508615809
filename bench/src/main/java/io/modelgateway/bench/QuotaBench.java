package io.modelgateway.bench;

import io.modelgateway.gateway.quota.internal.QuotaProbe;
import java.util.UUID;

/**
 * What a quota check adds to a call, in memory and with Redis.
 *
 * <p>Method: the gateway's real {@code QuotaStage} (RPM and TPM limits on the deployment, set far above
 * the load so every call is admitted) is driven the way the pipeline drives it for one call: {@code admit}
 * (waited for: in memory a Bucket4j bucket, with Redis one round trip of Bucket4j's Lettuce CAS proxy),
 * then {@code complete} (the TPM correction; with Redis sent without waiting). Each line times that per
 * call, one tenant (the hot-key case), at 1 thread and at 16 concurrent threads; "no stages" is the loop
 * itself. Redis from {@code -Dbench.redis} (default {@code redis://127.0.0.1:6379}); keys under a prefix
 * unique to the run.
 *
 * <p>Run: {@code java -cp bench/target/bench.jar io.modelgateway.bench.QuotaBench [calls per thread]}
 */
public final class QuotaBench {

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        String redis = System.getProperty("bench.redis", "redis://127.0.0.1:6379");
        String prefix = "bench-quota:" + UUID.randomUUID();
        System.out.println("quota check per call (" + calls + " calls per thread)");
        System.out.println(new StageLoop("no stages", "t1").run(1, calls));
        try (BenchDatabase db = new BenchDatabase();
                QuotaProbe memory = QuotaProbe.of("", prefix, "bench", 100_000_000L, 10_000_000_000L, db.dataSource);
                QuotaProbe shared =
                        QuotaProbe.of(redis, prefix, "bench", 100_000_000L, 10_000_000_000L, db.dataSource)) {
            StageLoop loop = new StageLoop("quota, in memory", "t1", memory.stage());
            System.out.println(loop.run(1, calls));
            System.out.println(loop.run(16, calls / 4));
            loop = new StageLoop("quota, Redis", "t2", shared.stage());
            System.out.println(loop.run(1, calls));
            System.out.println(loop.run(16, calls / 4));
        }
        System.exit(0);
    }
}
