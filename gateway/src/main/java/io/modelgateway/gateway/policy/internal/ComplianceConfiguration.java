package io.modelgateway.gateway.policy.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.metering.MetricNames;
import io.modelgateway.gateway.policy.ComplianceProperties;
import io.modelgateway.gateway.runtime.LifecyclePhases;
import io.modelgateway.gateway.runtime.Reloader;
import io.modelgateway.gateway.runtime.Reloads;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.scheduler.Scheduler;

/**
 * Wires compliance: the policies (loaded before the web server starts, after the schema is migrated),
 * the audit trail with its background writer, the call stage and the admin routes.
 */
@Configuration(proxyBeanMethods = false)
public class ComplianceConfiguration {

    @Bean
    @DependsOnDatabaseInitialization
    PolicyService compliancePolicies(DataSource dataSource, Clock clock, Scheduler jdbcScheduler) {
        return new PolicyService(new PolicyRepository(dataSource), new PolicyStore(), clock, jdbcScheduler);
    }

    @Bean
    @DependsOnDatabaseInitialization
    AuditLog complianceAudit(
            DataSource dataSource,
            ComplianceProperties properties,
            Scheduler jdbcScheduler,
            ObjectProvider<MeterRegistry> meters) {
        MeterRegistry registry = meters.getIfAvailable(SimpleMeterRegistry::new);
        return new AuditLog(
                new AuditRepository(dataSource),
                properties.auditQueueCapacity(),
                properties.auditBatchSize(),
                jdbcScheduler,
                registry.counter(MetricNames.COMPLIANCE_AUDIT_DROPPED));
    }

    @Bean
    ComplianceStage complianceStage(
            PolicyService policies, AuditLog audit, ObjectProvider<MeterRegistry> meters, Clock clock) {
        return new ComplianceStage(policies, audit, meters.getIfAvailable(SimpleMeterRegistry::new), clock);
    }

    @Bean
    ComplianceJobs complianceJobs(
            PolicyService policies, AuditLog audit, ComplianceProperties properties, Reloads reloads) {
        return new ComplianceJobs(policies, audit, properties, reloads);
    }

    @Bean
    RouterFunction<ServerResponse> complianceAdminRouter(
            PolicyService policies, AuditLog audit, Tenancy tenancy, Deployments deployments, Clock clock) {
        return new ComplianceAdmin(policies, audit, tenancy, deployments, clock).routes();
    }

    /**
     * Loads the policies before the web server starts (after tenancy's startup, which waits for the
     * schema), then reloads them and flushes the audit trail in the background; flushes once more on
     * shutdown.
     */
    static final class ComplianceJobs implements SmartLifecycle {

        private final PolicyService policies;
        private final AuditLog audit;
        private final ComplianceProperties properties;
        private final Reloader reloader;
        private @Nullable ScheduledExecutorService jobs; // set while running

        ComplianceJobs(PolicyService policies, AuditLog audit, ComplianceProperties properties, Reloads reloads) {
            this.policies = policies;
            this.audit = audit;
            this.properties = properties;
            this.reloader = reloads.reloader("compliance policies", policies::reload, properties.reloadInterval());
        }

        @Override
        public synchronized void start() {
            reloader.reload();
            jobs = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "compliance-jobs");
                t.setDaemon(true);
                return t;
            });
            reloader.start();
            long flush = properties.auditFlushInterval().toMillis();
            jobs.scheduleWithFixedDelay(audit::flushQuietly, flush, flush, TimeUnit.MILLISECONDS);
        }

        @Override
        public synchronized void stop() {
            if (jobs == null) {
                return;
            }
            reloader.close();
            jobs.shutdown();
            try {
                jobs.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            audit.flushQuietly();
            jobs = null;
        }

        @Override
        public synchronized boolean isRunning() {
            return jobs != null;
        }

        /** Right after tenancy's startup phase, before the web server ({@link LifecyclePhases}). */
        @Override
        public int getPhase() {
            return LifecyclePhases.COMPLIANCE;
        }
    }
}
