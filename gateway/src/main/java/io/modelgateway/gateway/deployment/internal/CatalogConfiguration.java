package io.modelgateway.gateway.deployment.internal;

import io.modelgateway.gateway.deployment.DeploymentCatalog;
import io.modelgateway.gateway.deployment.DeploymentCatalogProperties;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.runtime.Reloads;
import io.modelgateway.gateway.tenancy.ReplicaSignals;
import jakarta.validation.Validator;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Scheduler;

/** Wires the {@link DeploymentCatalog}: admin-defined deployments, loaded after Flyway, before serving. */
@Configuration(proxyBeanMethods = false)
public class CatalogConfiguration {

    @Bean(destroyMethod = "close")
    @DependsOnDatabaseInitialization
    CatalogService deploymentCatalog(
            Deployments deployments,
            DataSource dataSource,
            Validator validator,
            ReplicaSignals signals,
            DeploymentCatalogProperties properties,
            Clock clock,
            Scheduler jdbcScheduler,
            Reloads reloads) {
        return new CatalogService(
                deployments,
                new DeploymentRepository(dataSource),
                new SettingsBinder(validator),
                signals,
                properties,
                clock,
                jdbcScheduler,
                reloads);
    }
}
