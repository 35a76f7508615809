package io.modelgateway.gateway.tenancy.internal;

import io.modelgateway.gateway.config.GatewayProperties;
import io.modelgateway.gateway.runtime.Reloads;
import io.modelgateway.gateway.tenancy.Tenancy;
import io.modelgateway.gateway.tenancy.TenancyProperties;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Scheduler;

/** Wires {@link Tenancy}: after Flyway, seeds the embedded default and loads the cache before serving. */
@Configuration(proxyBeanMethods = false)
public class TenancyConfiguration {

    /**
     * Flyway's migration strategy, so created before anything touches the database: outside the embedded
     * default a weak configured key stops the start here, before a migration begins.
     */
    @Bean
    TenancyStartup tenancyStartup(GatewayProperties gateway, @Value("${spring.datasource.url:}") String databaseUrl) {
        if (!embeddedDefault(databaseUrl)) {
            requireStrongKeys(gateway);
        }
        return new TenancyStartup();
    }

    /** Redis pub/sub between replicas (none without a Redis URL); also other features' {@code ReplicaSignals}. */
    @Bean(destroyMethod = "close")
    Invalidations tenancyInvalidations(TenancyProperties properties) {
        return properties.redisUrl().isBlank()
                ? Invalidations.none()
                : new RedisInvalidations(properties.redisUrl(), properties.channel());
    }

    /**
     * The service; its database work (seeding, first load) runs in the background after Flyway's, and
     * {@link TenancyStartup} holds the web server back until both are done.
     */
    @Bean(destroyMethod = "close")
    @DependsOnDatabaseInitialization
    TenancyService tenancy(
            DataSource dataSource,
            GatewayProperties gateway,
            TenancyProperties properties,
            Clock clock,
            Scheduler jdbcScheduler,
            Reloads reloads,
            TenancyStartup startup,
            Invalidations invalidations) {
        TenancyRepository repository = new TenancyRepository(dataSource);
        List<TenancyCache.Entry> configured = new ArrayList<>(EmbeddedDefaults.adminKey(gateway.adminApiKey()));
        configured.addAll(EmbeddedDefaults.configuredKeys(gateway.apiKeys()));
        TenancyService service = new TenancyService(
                repository, new TenancyCache(configured), invalidations, clock, jdbcScheduler, reloads);
        startup.afterMigration(() -> {
            if (gateway.embeddedModelServer().enabled()) {
                EmbeddedDefaults.seedDemo(repository, properties.demoTenant(), gateway.demoApiKey(), clock);
            }
            EmbeddedDefaults.seedTenantsOf(repository, gateway.apiKeys(), clock);
            service.start(properties.reloadInterval(), properties.lastUsedFlushInterval());
        });
        return service;
    }

    /** The embedded default keeps its data in H2; production runs on PostgreSQL. */
    static boolean embeddedDefault(String databaseUrl) {
        return databaseUrl.startsWith("jdbc:h2:");
    }

    /** Outside the embedded default, a weak configured key stops the start (the README's short keys are for H2). */
    static void requireStrongKeys(GatewayProperties gateway) {
        KeyStrength.requireStrong("gateway.admin-api-key (GATEWAY_ADMIN_API_KEY)", gateway.adminApiKey());
        KeyStrength.requireStrong("gateway.demo-api-key (GATEWAY_DEMO_API_KEY)", gateway.demoApiKey());
        gateway.apiKeys().forEach(k -> KeyStrength.requireStrong("gateway.api-keys '" + k.name() + "'", k.key()));
    }
}
