package io.modelgateway.gateway.quota.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.metering.MetricNames;
import io.modelgateway.gateway.pipeline.CallStage;
import io.modelgateway.gateway.quota.QuotaLimits;
import io.modelgateway.gateway.quota.QuotaProperties;
import io.modelgateway.gateway.runtime.Reloads;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.time.Clock;
import java.util.function.Function;
import javax.sql.DataSource;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.scheduler.Scheduler;

/** Wires quotas: the runtime (after Flyway), the pipeline stage, the health component, gauge and admin API. */
@Configuration(proxyBeanMethods = false)
public class QuotaConfiguration {

    @Bean(destroyMethod = "close")
    @DependsOnDatabaseInitialization
    QuotaRuntime quotaRuntime(
            QuotaProperties properties,
            Deployments deployments,
            DataSource dataSource,
            Clock clock,
            MeterRegistry metrics,
            Scheduler jdbcScheduler,
            Reloads reloads) {
        // Each deployment's rpm/tpm defaults, configured or admin-defined, as the registry serves them now.
        Function<String, QuotaLimits> defaults = name -> deployments
                .definition(name)
                .map(d -> new QuotaLimits(d.settings().rpm(), d.settings().tpm()))
                .orElse(null);
        QuotaRuntime runtime =
                new QuotaRuntime(properties, defaults, new LimitRepository(dataSource), clock, jdbcScheduler, reloads);
        Buckets buckets = runtime.buckets();
        Gauge.builder(MetricNames.REDIS_FALLBACK_ACTIVE, buckets, b -> b.degraded() ? 1 : 0)
                .description("1 while quota buckets fell back from Redis (limits not shared across replicas)")
                .register(metrics);
        return runtime;
    }

    @Bean
    @Order(QuotaStage.ORDER)
    CallStage quotaStage(QuotaRuntime runtime, MeterRegistry metrics) {
        return new QuotaStage(runtime.book(), runtime.buckets(), metrics);
    }

    @Bean("quota")
    HealthIndicator quotaHealthIndicator(QuotaRuntime runtime) {
        return new QuotaHealthIndicator(runtime.buckets());
    }

    @Bean
    RouterFunction<ServerResponse> quotaAdminRouter(QuotaRuntime runtime, Tenancy tenancy, Deployments deployments) {
        return new QuotaAdmin(runtime, tenancy, deployments).routes();
    }
}
