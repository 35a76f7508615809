package io.modelgateway.gateway.credits.internal;

import static io.modelgateway.gateway.auth.Access.ADMIN;
import static io.modelgateway.gateway.auth.Access.FINANCE;
import static io.modelgateway.gateway.auth.Access.TENANT_USAGE;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelgateway.billing.ledger.Ledger;
import io.modelgateway.billing.pricing.PriceStore;
import io.modelgateway.billing.usage.UsageStore;
import io.modelgateway.billing.usage.UsageWriter;
import io.modelgateway.gateway.auth.Access;
import io.modelgateway.gateway.credits.BillingProperties;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.metering.MetricNames;
import io.modelgateway.gateway.metering.MetricsProperties;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.scheduler.Scheduler;

/**
 * Wires compute credits: the billing module's stores (the usage writer too: the usage stage in {@code metering}
 * hands it records), the credit stage, the prices and charges the usage stage reads, the admin API.
 */
@Configuration(proxyBeanMethods = false)
public class BillingConfiguration {

    private static final String V1 = "/admin/v1";
    private static final String CREDITS = "/v1/organization/projects/{tenant}/credits";
    private static final String ACCESS = Access.ATTRIBUTE;

    @Bean(destroyMethod = "close")
    UsageWriter usageWriter(DataSource dataSource, BillingProperties p) {
        return new UsageWriter(
                        new UsageStore(dataSource),
                        Path.of(p.spoolDir()),
                        new UsageWriter.Settings(
                                p.queueCapacity(),
                                p.batchSize(),
                                p.flushInterval(),
                                p.retryInterval(),
                                p.commitWindow(),
                                p.spoolFsync()))
                .start();
    }

    @Bean
    Ledger ledger(DataSource dataSource, BillingProperties p) {
        return new Ledger(dataSource, p.currency());
    }

    @Bean
    PriceStore priceStore(DataSource dataSource) {
        return new PriceStore(dataSource);
    }

    @Bean(destroyMethod = "close")
    Credits credits(
            Ledger ledger,
            PriceStore prices,
            UsageWriter writer,
            Scheduler jdbcScheduler,
            Clock clock,
            BillingProperties p) {
        Credits credits = new Credits(ledger, prices, writer, jdbcScheduler, clock, p.holdTimeout());
        Duration settledFor = p.holdTimeout().multipliedBy(2);
        credits.use(initial -> p.redisUrl().isBlank()
                ? new LocalCreditAccounts(initial, clock, settledFor)
                : new RedisCreditAccounts(
                        p.redisUrl(),
                        p.redisKeyPrefix(),
                        initial,
                        clock,
                        p.redisTimeout(),
                        settledFor,
                        Duration.ofMillis(250)));
        // every replica's usage reaches the ledger within a few flush intervals of a quiet account
        Duration settle = p.flushInterval().multipliedBy(5);
        credits.settle(settle.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : settle);
        return credits;
    }

    @Bean
    CreditStage creditStage(Credits credits, BillingProperties p) {
        return new CreditStage(credits, p.creditsRequired());
    }

    /** The prices and charges the usage stage ({@code metering.internal.UsageStage}) reads. */
    @Bean
    CreditPricing usagePricing(Credits credits) {
        return new CreditPricing(credits);
    }

    @Bean
    BillingStartup billingStartup(
            Credits credits,
            Ledger ledger,
            BillingProperties p,
            Clock clock,
            Scheduler jdbcScheduler,
            io.modelgateway.gateway.config.GatewayProperties gateway,
            io.modelgateway.gateway.tenancy.TenancyProperties tenancy) {
        String demoTenant = gateway.embeddedModelServer().enabled() ? tenancy.demoTenant() : null;
        return new BillingStartup(credits, ledger, p, clock, jdbcScheduler, demoTenant);
    }

    @Bean
    Object billingMeters(
            ObjectProvider<MeterRegistry> registry, Credits credits, UsageWriter writer, MetricsProperties metrics) {
        registry.ifAvailable(r -> {
            credits.meters(new CreditMeters(r, metrics.maxTenantLabels()));
            Gauge.builder(MetricNames.LEDGER_DRIFT, credits, Credits::drift)
                    .description("Credit accounts vs the ledger: absolute difference found by the last check")
                    .register(r);
            Gauge.builder(MetricNames.CREDIT_HOLDS_ACTIVE, credits, Credits::openHolds)
                    .description("Credit holds open on this replica")
                    .register(r);
            FunctionCounter.builder(MetricNames.CREDIT_HOLDS_EXPIRED, credits, Credits::expiredHolds)
                    .description("Credit holds released because they outlived their request")
                    .register(r);
            if (credits.accounts() instanceof RedisCreditAccounts redis) {
                FunctionCounter.builder(MetricNames.CREDIT_ACCOUNT_FAILURES, redis, RedisCreditAccounts::failures)
                        .description("Redis commands of the credit accounts that failed (retried or refused)")
                        .register(r);
                Gauge.builder(MetricNames.CREDIT_ACCOUNT_QUEUED, redis, RedisCreditAccounts::queued)
                        .description("Captures, releases and postings waiting for Redis")
                        .register(r);
            }
            Gauge.builder(MetricNames.USAGE_QUEUE_SIZE, writer, UsageWriter::queued)
                    .description("Usage records waiting in memory for the batch writer")
                    .register(r);
            Gauge.builder(MetricNames.USAGE_SPOOL_SIZE, writer, UsageWriter::spooledBatches)
                    .description("Usage batches in the local spool, waiting for the database")
                    .register(r);
            Gauge.builder(MetricNames.USAGE_LAG, writer, w -> w.lagSeconds(System.currentTimeMillis()))
                    .description("Seconds since the oldest usage record not yet in the database ended")
                    .register(r);
            FunctionCounter.builder(MetricNames.USAGE_WRITTEN, writer, UsageWriter::written)
                    .description("Usage records this replica stored in the database")
                    .register(r);
            FunctionCounter.builder(MetricNames.USAGE_DEAD_LETTERS, writer, UsageWriter::deadLettered)
                    .description("Usage records the database refused for their content, set aside as dead letters")
                    .register(r);
        });
        return new Object();
    }

    @Bean
    RouterFunction<ServerResponse> billingAdminRouter(
            Credits credits,
            Ledger ledger,
            PriceStore prices,
            Tenancy tenancy,
            Deployments deployments,
            Scheduler jdbcScheduler,
            Clock clock,
            BillingProperties p) {
        BillingAdmin admin =
                new BillingAdmin(credits, ledger, prices, tenancy, deployments, jdbcScheduler, clock, p.currency());
        return RouterFunctions.route()
                .GET(V1 + "/prices", admin::listPrices)
                .withAttribute(ACCESS, ADMIN)
                .GET(V1 + "/prices/{deployment}", admin::deploymentPrices)
                .withAttribute(ACCESS, ADMIN)
                .POST(V1 + "/prices/{deployment}", admin::addPrice)
                .withAttribute(ACCESS, ADMIN)
                .GET(V1 + "/tenants/{tenant}/credits", admin::balance)
                .withAttribute(ACCESS, ADMIN)
                .GET(V1 + "/tenants/{tenant}/credits/ledger", admin::entries)
                .withAttribute(ACCESS, ADMIN)
                .POST(V1 + "/tenants/{tenant}/credits/grants", admin::grant)
                .withAttribute(ACCESS, ADMIN)
                .POST(V1 + "/tenants/{tenant}/credits/top-ups", admin::topUp)
                .withAttribute(ACCESS, ADMIN)
                .POST(V1 + "/tenants/{tenant}/credits/adjustments", admin::adjust)
                .withAttribute(ACCESS, ADMIN)
                // The balance API for finance tools and tenants: a tenant's usage.read credential reads its own
                // balance and ledger; finance and admin credentials read any and post grants, top-ups, adjustments.
                .GET(CREDITS, admin::balance)
                .withAttribute(ACCESS, TENANT_USAGE)
                .GET(CREDITS + "/ledger", admin::entries)
                .withAttribute(ACCESS, TENANT_USAGE)
                .POST(CREDITS + "/grants", admin::grant)
                .withAttribute(ACCESS, FINANCE)
                .POST(CREDITS + "/top-ups", admin::topUp)
                .withAttribute(ACCESS, FINANCE)
                .POST(CREDITS + "/adjustments", admin::adjust)
                .withAttribute(ACCESS, FINANCE)
                .build();
    }
}
