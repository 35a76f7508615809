package io.modelgateway.gateway.billing.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelgateway.billing.ledger.Ledger;
import io.modelgateway.billing.pricing.PriceStore;
import io.modelgateway.billing.usage.UsageStore;
import io.modelgateway.billing.usage.UsageWriter;
import io.modelgateway.gateway.billing.BillingProperties;
import io.modelgateway.gateway.metrics.MetricNames;
import io.modelgateway.gateway.metrics.MetricsProperties;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.nio.file.Path;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.error.ApiException;
import io.modelgateway.gateway.tenancy.Scope;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** Wires compute credits and usage recording: the billing module's stores, the two call stages, the admin API. */
@Configuration(proxyBeanMethods = false)
public class BillingConfiguration {

    private static final String V1 = "/admin/v1";

    /** JDBC is blocking: billing's database work runs here, never on an event loop. */
    @Bean(destroyMethod = "dispose")
    Scheduler billingJdbcScheduler() {
        return Schedulers.newBoundedElastic(4, 1000, "billing-jdbc");
    }

    @Bean(destroyMethod = "close")
    UsageWriter usageWriter(DataSource dataSource, BillingProperties p) {
        return new UsageWriter(new UsageStore(dataSource), Path.of(p.spoolDir()),
                new UsageWriter.Settings(p.queueCapacity(), p.batchSize(), p.flushInterval(), p.retryInterval(),
                        p.commitWindow(), p.spoolFsync()))
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
    Credits credits(Ledger ledger, PriceStore prices, UsageWriter writer, Scheduler billingJdbcScheduler, Clock clock,
            BillingProperties p) {
        Credits credits = new Credits(ledger, prices, writer, billingJdbcScheduler, clock, p.holdTimeout());
        credits.use(initial -> p.redisUrl().isBlank()
                ? new LocalCreditBuckets(initial)
                : new RedisCreditBuckets(p.redisUrl(), p.redisKeyPrefix(), initial));
        return credits;
    }

    @Bean
    CreditStage creditStage(Credits credits, BillingProperties p) {
        return new CreditStage(credits, p.creditsRequired());
    }

    @Bean
    UsageStage usageStage(UsageWriter writer, Credits credits) {
        return new UsageStage(writer, credits);
    }

    @Bean
    BillingStartup billingStartup(Credits credits, Ledger ledger, BillingProperties p, Clock clock,
            Scheduler billingJdbcScheduler, io.modelgateway.gateway.config.GatewayProperties gateway,
            io.modelgateway.gateway.tenancy.TenancyProperties tenancy) {
        String demoTenant = gateway.embeddedModelServer().enabled() ? tenancy.demoTenant() : null;
        return new BillingStartup(credits, ledger, p, clock, billingJdbcScheduler, demoTenant);
    }

    @Bean
    Object billingMeters(ObjectProvider<MeterRegistry> registry, Credits credits, UsageWriter writer,
            MetricsProperties metrics) {
        registry.ifAvailable(r -> {
            credits.meters(new CreditMeters(r, metrics.maxTenantLabels()));
            Gauge.builder(MetricNames.LEDGER_DRIFT, credits, Credits::drift)
                    .description("Credit buckets vs the ledger: absolute difference found by the last check")
                    .register(r);
            Gauge.builder(MetricNames.CREDIT_HOLDS_ACTIVE, credits, Credits::openHolds)
                    .description("Credit holds open on this replica").register(r);
            FunctionCounter.builder(MetricNames.CREDIT_HOLDS_EXPIRED, credits, Credits::expiredHolds)
                    .description("Credit holds released because they outlived their request").register(r);
            Gauge.builder(MetricNames.USAGE_QUEUE_SIZE, writer, UsageWriter::queued)
                    .description("Usage records waiting in memory for the batch writer").register(r);
            Gauge.builder(MetricNames.USAGE_SPOOL_SIZE, writer, UsageWriter::spooledBatches)
                    .description("Usage batches in the local spool, waiting for the database").register(r);
            Gauge.builder(MetricNames.USAGE_LAG, writer, w -> w.lagSeconds(System.currentTimeMillis()))
                    .description("Seconds since the oldest usage record not yet in the database ended")
                    .register(r);
            FunctionCounter.builder(MetricNames.USAGE_WRITTEN, writer, UsageWriter::written)
                    .description("Usage records this replica stored in the database").register(r);
        });
        return new Object();
    }

    @Bean
    RouterFunction<ServerResponse> billingAdminRouter(Credits credits, Ledger ledger, PriceStore prices,
            Tenancy tenancy, Deployments deployments, Scheduler billingJdbcScheduler, Clock clock,
            BillingProperties p) {
        BillingAdmin admin = new BillingAdmin(credits, ledger, prices, tenancy, deployments, billingJdbcScheduler,
                clock, p.currency());
        return RouterFunctions.route()
                .GET(V1 + "/prices", admin::listPrices)
                .GET(V1 + "/prices/{deployment}", admin::deploymentPrices)
                .POST(V1 + "/prices/{deployment}", admin::addPrice)
                .GET(V1 + "/tenants/{tenant}/credits", admin::balance)
                .GET(V1 + "/tenants/{tenant}/credits/ledger", admin::entries)
                .POST(V1 + "/tenants/{tenant}/credits/grants", admin::grant)
                .POST(V1 + "/tenants/{tenant}/credits/top-ups", admin::topUp)
                .POST(V1 + "/tenants/{tenant}/credits/adjustments", admin::adjust)
                .build()
                .and(balanceApi(admin));
    }

    /**
     * The balance API for finance tools and tenants: a tenant's {@code usage.read} key reads its own balance
     * and ledger; {@code finance} and {@code admin} credentials read any and post grants, top-ups and
     * adjustments. (The authentication filter already admits only those credentials under this path.)
     */
    private static RouterFunction<ServerResponse> balanceApi(BillingAdmin admin) {
        String credits = "/v1/organization/projects/{tenant}/credits";
        return RouterFunctions.route()
                .GET(credits, admin::balance)
                .GET(credits + "/ledger", admin::entries)
                .filter(BillingConfiguration::ownTenantOrPlatform)
                .build()
                .and(RouterFunctions.route()
                        .POST(credits + "/grants", admin::grant)
                        .POST(credits + "/top-ups", admin::topUp)
                        .POST(credits + "/adjustments", admin::adjust)
                        .filter(BillingConfiguration::platformOnly)
                        .build());
    }

    private static Mono<ServerResponse> ownTenantOrPlatform(ServerRequest req, HandlerFunction<ServerResponse> next) {
        Caller c = Caller.of(req.exchange());
        if (platform(c)) {
            return next.handle(req);
        }
        return req.pathVariable("tenant").equals(c.tenant()) ? next.handle(req) : Mono.error(ApiException.otherTenant());
    }

    private static Mono<ServerResponse> platformOnly(ServerRequest req, HandlerFunction<ServerResponse> next) {
        return platform(Caller.of(req.exchange())) ? next.handle(req)
                : Mono.error(ApiException.insufficientScope(Scope.FINANCE.value()));
    }

    private static boolean platform(Caller c) {
        return c != null && c.tenant() == null && (c.has(Scope.FINANCE) || c.has(Scope.ADMIN));
    }
}
