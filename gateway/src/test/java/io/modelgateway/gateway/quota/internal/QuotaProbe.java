package io.modelgateway.gateway.quota.internal;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelgateway.gateway.pipeline.CallStage;
import io.modelgateway.gateway.quota.QuotaLimits;
import io.modelgateway.gateway.quota.QuotaProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import reactor.core.scheduler.Schedulers;

/**
 * A bench fixture (the gateway's test jar, used by the bench module): the gateway's real quota stage, built the way
 * {@code QuotaConfiguration} builds it, with per-deployment default limits and no stored overrides.
 */
public final class QuotaProbe implements AutoCloseable {

    private final QuotaRuntime runtime;
    private final CallStage stage;

    private QuotaProbe(QuotaRuntime runtime) {
        this.runtime = runtime;
        this.stage = new QuotaStage(runtime.book(), runtime.buckets(), new SimpleMeterRegistry());
    }

    /** {@code redisUrl} blank: buckets in memory; else shared in Redis under {@code keyPrefix}. */
    public static QuotaProbe of(
            String redisUrl, String keyPrefix, String deployment, long rpm, long tpm, DataSource limits) {
        QuotaProperties p = new QuotaProperties(
                redisUrl,
                keyPrefix,
                QuotaProperties.Fallback.LOCAL,
                1,
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                Duration.ofHours(1));
        return new QuotaProbe(new QuotaRuntime(
                p,
                Map.of(deployment, new QuotaLimits(rpm, tpm))::get,
                new LimitRepository(limits),
                Clock.systemUTC(),
                Schedulers.boundedElastic(),
                new io.modelgateway.gateway.runtime.Reloads(Schedulers.boundedElastic())));
    }

    public CallStage stage() {
        return stage;
    }

    @Override
    public void close() {
        runtime.close();
    }
}
