package io.modelgateway.gateway.deployment.internal;

import io.modelgateway.gateway.config.GatewayProperties.DeploymentProperties;
import io.modelgateway.gateway.deployment.DeploymentCatalog;
import io.modelgateway.gateway.deployment.DeploymentCatalogProperties;
import io.modelgateway.gateway.deployment.DeploymentDefinition;
import io.modelgateway.gateway.deployment.DeploymentDefinition.Source;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.runtime.LifecyclePhases;
import io.modelgateway.gateway.runtime.Reloader;
import io.modelgateway.gateway.runtime.Reloads;
import io.modelgateway.gateway.tenancy.ReplicaSignals;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@link DeploymentCatalog} over the {@code deployment} table and the {@link Deployments} registry. A change
 * is written and put in force in one transaction (a definition the registry cannot serve is rolled back), then
 * announced to the other replicas, which reload; every replica also reloads periodically.
 */
final class CatalogService implements DeploymentCatalog, SmartLifecycle, AutoCloseable {

    private final Deployments deployments;
    private final DeploymentRepository repository;
    private final SettingsBinder binder;
    private final ReplicaSignals signals;
    private final DeploymentCatalogProperties properties;
    private final Clock clock;
    private final Scheduler jdbc;
    private final Reloader reloader;
    private volatile boolean running;

    CatalogService(
            Deployments deployments,
            DeploymentRepository repository,
            SettingsBinder binder,
            ReplicaSignals signals,
            DeploymentCatalogProperties properties,
            Clock clock,
            Scheduler jdbc,
            Reloads reloads) {
        this.jdbc = jdbc;
        this.reloader = reloads.reloader(
                "stored deployments", () -> deployments.replaceStored(repository.all()), properties.reloadInterval());
        this.deployments = deployments;
        this.repository = repository;
        this.binder = binder;
        this.signals = signals;
        this.properties = properties;
        this.clock = clock;
    }

    /** After the schema is migrated (tenancy's startup phase waits for Flyway), before the web server. */
    @Override
    public void start() {
        reloader.reload();
        signals.subscribe(properties.topic(), reloader::reloadSoon);
        reloader.start();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return LifecyclePhases.DEPLOYMENTS;
    }

    @Override
    public void close() {
        reloader.close();
    }

    @Override
    public DeploymentProperties settings(Map<String, String> fields) {
        return binder.bind(fields);
    }

    @Override
    public Mono<DeploymentDefinition> create(String name, DeploymentProperties settings) {
        return write(() -> {
            refuseConfigured(name);
            Instant now = clock.instant();
            DeploymentDefinition d = new DeploymentDefinition(name, settings, Source.ADMIN, now, now);
            checked(d);
            try {
                repository.insert(d);
            } catch (DuplicateKeyException e) {
                throw ApiException.conflict("name", "A deployment named '" + name + "' already exists.");
            }
            return d;
        });
    }

    @Override
    public Mono<DeploymentDefinition> replace(String name, DeploymentProperties settings) {
        return write(() -> {
            refuseConfigured(name);
            DeploymentDefinition old =
                    repository.find(name).orElseThrow(() -> ApiException.notFound("deployment", name));
            DeploymentDefinition d =
                    new DeploymentDefinition(name, settings, Source.ADMIN, old.createdAt(), clock.instant());
            checked(d);
            repository.update(d);
            return d;
        });
    }

    @Override
    public Mono<DeploymentDefinition> delete(String name) {
        return write(() -> {
            refuseConfigured(name);
            DeploymentDefinition old =
                    repository.find(name).orElseThrow(() -> ApiException.notFound("deployment", name));
            repository.delete(name);
            return old;
        });
    }

    private void refuseConfigured(String name) {
        if (deployments.configured(name)) {
            throw ApiException.of(
                    HttpStatus.CONFLICT,
                    "invalid_request_error",
                    "name",
                    "configured_deployment",
                    "Deployment '" + name + "' is defined in configuration "
                            + "(gateway.deployments); it cannot be defined, replaced or deleted through the admin API.");
        }
    }

    private void checked(DeploymentDefinition d) {
        deployments.check(d).ifPresent(p -> {
            throw ApiException.invalid(p.field(), "invalid_value", "Invalid '" + p.field() + "': " + p.message());
        });
    }

    /**
     * Runs {@code change} and puts the stored set in force in one transaction: if the registry cannot serve
     * the result (a pool cannot be created, or it leaves the changed deployment out), nothing is stored and
     * what is stored is served again.
     */
    private Mono<DeploymentDefinition> write(Callable<DeploymentDefinition> change) {
        return Mono.fromCallable(() -> {
                    synchronized (reloader) { // not while a reload reads the table (it could put older data back)
                        try {
                            return repository.inTransaction(() -> serve(call(change)));
                        } catch (ServeFailed e) {
                            reloader.reloadQuietly();
                            throw e.problem;
                        }
                    }
                })
                .subscribeOn(jdbc)
                .doOnNext(d -> signals.publish(properties.topic()));
    }

    private DeploymentDefinition serve(DeploymentDefinition changed) {
        Map<String, String> skipped;
        try {
            skipped = deployments.replaceStored(repository.all());
        } catch (RuntimeException e) {
            throw new ServeFailed(
                    ApiException.invalid("backend", "invalid_value", "Invalid 'backend': " + e.getMessage()));
        }
        if (skipped.containsKey(changed.name())) {
            throw new ServeFailed(ApiException.invalid(
                    null,
                    "invalid_value",
                    "Deployment '" + changed.name() + "' cannot be served: " + skipped.get(changed.name())));
        }
        return changed;
    }

    /** Rolls the transaction back after the registry may have changed. */
    private static final class ServeFailed extends RuntimeException {

        private final ApiException problem;

        ServeFailed(ApiException problem) {
            super(problem.getMessage(), null, false, false);
            this.problem = problem;
        }
    }

    private static <T> T call(Callable<T> work) {
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
