package io.modelgateway.gateway.tenancy.internal;

import io.modelgateway.gateway.runtime.LifecyclePhases;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the database work of startup (Flyway, seeding, the first cache load) off the main thread, where
 * the rest of the context is still being built, and holds the web server back until it is done: the
 * first request always finds migrated tables and a loaded cache, and startup is not slower by their sum.
 * A failure fails startup.
 */
final class TenancyStartup implements FlywayMigrationStrategy, SmartLifecycle {

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tenancy-startup");
        t.setDaemon(true);
        return t;
    });
    private volatile @Nullable CompletableFuture<Void> migrated; // null: Flyway not in use
    private volatile CompletableFuture<Void> ready = CompletableFuture.completedFuture(null);
    private volatile boolean running;

    /** Called by Boot's Flyway initializer: migrate in the background. */
    @Override
    public void migrate(Flyway flyway) {
        migrated = CompletableFuture.runAsync(flyway::migrate, thread);
    }

    /** Runs {@code work} once the schema is migrated (at once if Flyway is not in use). */
    void afterMigration(Runnable work) {
        CompletableFuture<Void> schema = migrated != null ? migrated : CompletableFuture.completedFuture(null);
        ready = schema.thenRunAsync(work, thread);
    }

    /** Before the web server starts: wait for the schema and the cache. */
    @Override
    public void start() {
        try {
            ready.join();
        } finally {
            thread.shutdown();
        }
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

    /** Well before the web server's phase. */
    @Override
    public int getPhase() {
        return LifecyclePhases.TENANCY_STARTUP;
    }
}
