package io.modelgateway.gateway.tenancy.internal;

import io.modelgateway.gateway.runtime.Reloader;
import io.modelgateway.gateway.runtime.Reloads;
import io.modelgateway.gateway.tenancy.ApiKey;
import io.modelgateway.gateway.tenancy.Credential;
import io.modelgateway.gateway.tenancy.IssuedKey;
import io.modelgateway.gateway.tenancy.KeyCheck;
import io.modelgateway.gateway.tenancy.Keys;
import io.modelgateway.gateway.tenancy.Scope;
import io.modelgateway.gateway.tenancy.Tenancy;
import io.modelgateway.gateway.tenancy.Tenant;
import io.modelgateway.gateway.tenancy.TenantStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@link Tenancy} over the database, the in-memory {@link TenancyCache} and {@link Invalidations}.
 * A {@link Reloader} reloads periodically and on invalidation messages; one background thread flushes last-used
 * times.
 */
final class TenancyService implements Tenancy, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TenancyService.class);

    private final TenancyRepository repository;
    private final TenancyCache cache;
    private final Invalidations invalidations;
    private final LastUsed lastUsed = new LastUsed();
    private final Clock clock;
    private final Scheduler jdbcScheduler;
    private final Reloads reloads;
    private final ScheduledExecutorService jobs = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tenancy-jobs");
        t.setDaemon(true);
        return t;
    });
    private volatile @Nullable Reloader reloader; // set by start()

    TenancyService(
            TenancyRepository repository,
            TenancyCache cache,
            Invalidations invalidations,
            Clock clock,
            Scheduler jdbcScheduler,
            Reloads reloads) {
        this.reloads = reloads;
        this.repository = repository;
        this.cache = cache;
        this.invalidations = invalidations;
        this.clock = clock;
        this.jdbcScheduler = jdbcScheduler;
    }

    /** Loads the cache (before the first request) and starts the background work. */
    void start(Duration reloadInterval, Duration flushInterval) {
        reload();
        // A failed reload keeps serving the last snapshot (fail static) until the database answers again.
        Reloader r = reloads.reloader("tenancy", this::reload, reloadInterval);
        reloader = r;
        invalidations.subscribe(r::reloadSoon);
        r.start();
        long flushMs = flushInterval.toMillis();
        jobs.scheduleWithFixedDelay(this::flushLastUsed, flushMs, flushMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        Reloader r = reloader;
        if (r != null) {
            r.close();
        }
        jobs.shutdown();
        try {
            jobs.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushLastUsed();
    }

    // --- request path: memory only ---

    @Override
    public KeyCheck checkKey(String presented) {
        Instant now = clock.instant();
        KeyCheck check = cache.check(presented, now);
        Credential credential = check.credential(); // set on every outcome but UNKNOWN
        if (check.ok() && credential != null && !credential.id().startsWith(EmbeddedDefaults.CONFIGURED_PREFIX)) {
            lastUsed.record(credential.id(), now);
        }
        return check;
    }

    @Override
    public KeyCheck checkTenant(Credential credential) {
        return cache.withTenant(credential);
    }

    // --- cache upkeep ---

    /** Serialised, so a reload that started earlier can never overwrite one that read newer data. */
    synchronized void reload() {
        cache.replace(repository.tenants(), repository.allKeys());
    }

    private void flushLastUsed() {
        var batch = lastUsed.drain();
        if (batch.isEmpty()) {
            return;
        }
        try {
            repository.recordLastUsed(batch);
        } catch (RuntimeException e) {
            lastUsed.restore(batch);
            log.warn("could not record last-used times of {} keys: {}", batch.size(), e.toString());
        }
    }

    // --- administration ---

    @Override
    public Mono<Tenant> createTenant(String id, String name, Set<String> deployments) {
        return write(() -> repository.inTransaction(() -> {
            if (repository.tenant(id).isPresent()) {
                return null;
            }
            Instant now = clock.instant();
            Tenant t = new Tenant(id, name, TenantStatus.ACTIVE, deployments, now, now);
            repository.insertTenant(t);
            return t;
        }));
    }

    @Override
    public Mono<List<Tenant>> tenants() {
        return read(repository::tenants);
    }

    @Override
    public Mono<Tenant> tenant(String id) {
        return read(() -> repository.tenant(id).orElse(null));
    }

    @Override
    public Mono<Tenant> updateTenant(String id, TenantChange change) {
        return write(() -> repository.inTransaction(() -> repository
                .tenant(id)
                .map(t -> {
                    Tenant updated = new Tenant(
                            t.id(),
                            or(change.name(), t.name()),
                            or(change.status(), t.status()),
                            or(change.deployments(), t.deployments()),
                            t.createdAt(),
                            clock.instant());
                    repository.updateTenant(updated);
                    return updated;
                })
                .orElse(null)));
    }

    @Override
    public Mono<IssuedKey> issueKey(
            @Nullable String tenantId, String name, Set<Scope> scopes, @Nullable Instant expiresAt) {
        return write(() -> repository.inTransaction(() -> {
            if (tenantId != null && repository.tenant(tenantId).isEmpty()) {
                return null;
            }
            return insertKey(tenantId, name, scopes, expiresAt);
        }));
    }

    private IssuedKey insertKey(
            @Nullable String tenantId, String name, Set<Scope> scopes, @Nullable Instant expiresAt) {
        String secret = Keys.generate(Keys.PREFIX);
        ApiKey key = new ApiKey(
                Keys.newId("key_"),
                tenantId,
                name,
                Keys.lastFour(secret),
                scopes,
                clock.instant(),
                expiresAt,
                null,
                null);
        repository.insertKey(key, Keys.sha256Hex(secret));
        return new IssuedKey(key, secret);
    }

    @Override
    public Mono<List<ApiKey>> keys(@Nullable String tenantId) {
        return read(() -> repository.keysOf(tenantId));
    }

    @Override
    public Mono<ApiKey> key(String id) {
        return read(() -> repository.key(id).orElse(null));
    }

    @Override
    public Mono<IssuedKey> rotateKey(String id, Duration grace) {
        return write(() -> repository.inTransaction(() -> repository
                .key(id)
                .filter(k -> k.revokedAt() == null)
                .map(old -> {
                    IssuedKey next = insertKey(old.tenantId(), old.name(), old.scopes(), old.expiresAt());
                    retire(old.id(), grace);
                    return next;
                })
                .orElse(null)));
    }

    private void retire(String id, Duration grace) {
        if (grace.isZero()) {
            repository.revoke(id, clock.instant());
        } else {
            repository.expireBy(id, clock.instant().plus(grace));
        }
    }

    @Override
    public Mono<ApiKey> revokeKey(String id) {
        return write(() -> repository.inTransaction(() -> {
            repository.revoke(id, clock.instant());
            return repository.key(id).orElse(null);
        }));
    }

    @Override
    public Mono<Set<String>> deploymentTenants(String deployment) {
        return read(() -> Set.copyOf(repository.tenantsOn(deployment)));
    }

    @Override
    public Mono<Set<String>> setDeploymentTenants(String deployment, Set<String> tenantIds) {
        return write(() -> repository.inTransaction(() -> {
            for (String t : tenantIds) {
                if (repository.tenant(t).isEmpty()) {
                    return null;
                }
            }
            repository.setTenantsOn(deployment, tenantIds);
            return Set.copyOf(tenantIds);
        }));
    }

    private <T> Mono<T> read(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(jdbcScheduler);
    }

    /** Writes, refreshes this replica's cache before answering, then tells the others. */
    private <T> Mono<T> write(Callable<T> work) {
        return Mono.fromCallable(() -> {
                    T result = work.call();
                    if (result != null) {
                        reload();
                    }
                    return result;
                })
                .subscribeOn(jdbcScheduler)
                .doOnNext(r -> invalidations.publish());
    }

    private static <T> T or(@Nullable T value, T fallback) {
        return Optional.ofNullable(value).orElse(fallback);
    }
}
