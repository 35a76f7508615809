package io.modelgateway.gateway.credits.internal;

import io.modelgateway.billing.ledger.Ledger;
import io.modelgateway.billing.ledger.Posting;
import io.modelgateway.billing.pricing.Price;
import io.modelgateway.billing.pricing.PriceStore;
import io.modelgateway.billing.usage.UsageStore;
import io.modelgateway.billing.usage.UsageWriter;
import io.modelgateway.gateway.pipeline.CallStage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A bench fixture (the gateway's test jar, used by the bench module): the gateway's real credit and usage stages, built the
 * way {@code BillingConfiguration} builds them, on a migrated database.
 */
public final class BillingProbe implements AutoCloseable {

    private final DataSource db;
    private final Scheduler jdbc = Schedulers.newBoundedElastic(4, 1000, "bench-billing-jdbc");
    private final UsageWriter writer;
    private final Credits credits;
    private final Ledger ledger;
    private final CreditStage creditStage;
    private final io.modelgateway.gateway.metering.internal.UsageStage usageStage;

    /** {@code redisUrl} blank: credit buckets in memory; else in Redis under {@code keyPrefix}. */
    public BillingProbe(DataSource db, Path spoolDir, String redisUrl, String keyPrefix, Duration commitWindow) {
        this.db = db;
        writer = new UsageWriter(
                        new UsageStore(db),
                        spoolDir,
                        new UsageWriter.Settings(
                                100_000, 2000, Duration.ofMillis(200), Duration.ofSeconds(2), commitWindow))
                .start();
        ledger = new Ledger(db, "usd");
        credits = new Credits(ledger, new PriceStore(db), writer, jdbc, Clock.systemUTC(), Duration.ofMinutes(15));
        credits.use(initial -> redisUrl.isBlank()
                ? new LocalCreditAccounts(initial, Clock.systemUTC(), Duration.ofMinutes(30))
                : new RedisCreditAccounts(
                        redisUrl,
                        keyPrefix,
                        initial,
                        Clock.systemUTC(),
                        Duration.ofMillis(500),
                        Duration.ofMinutes(30),
                        Duration.ofMillis(250)));
        creditStage = new CreditStage(credits, false);
        usageStage = new io.modelgateway.gateway.metering.internal.UsageStage(writer, new CreditPricing(credits));
    }

    /** Prices {@code deployment} (micro-units per 1M input and output tokens, per request) and reloads. */
    public void price(String deployment, long inputPer1M, long outputPer1M, long perRequest) throws Exception {
        new PriceStore(db)
                .add(
                        new Price(0, deployment, Instant.EPOCH, inputPer1M, 0, outputPer1M, perRequest, "usd"),
                        Instant.now());
        credits.reloadPrices();
    }

    public void grant(String tenant, long micros) throws Exception {
        ledger.post(Posting.grant(tenant, micros, "bench-" + tenant, null, "benchmark"), Instant.now());
    }

    public long available(String tenant) {
        return credits.available(tenant).join();
    }

    public CallStage creditStage() {
        return creditStage;
    }

    public CallStage usageStage() {
        return usageStage;
    }

    public UsageWriter writer() {
        return writer;
    }

    @Override
    public void close() {
        credits.close();
        writer.close();
        jdbc.dispose();
    }
}
