package io.modelgateway.gateway.tenancy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelgateway.gateway.runtime.Reloads;
import io.modelgateway.gateway.tenancy.ApiKey;
import io.modelgateway.gateway.tenancy.Credential;
import io.modelgateway.gateway.tenancy.KeyCheck.Outcome;
import io.modelgateway.gateway.tenancy.Keys;
import io.modelgateway.gateway.tenancy.Scope;
import io.modelgateway.gateway.tenancy.Tenant;
import io.modelgateway.gateway.tenancy.TenantStatus;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The service against an in-memory H2 migrated by the real Flyway scripts, with a fixed clock: expiry,
 * revocation, suspension, and the periodic reload healing a change whose invalidation was never sent.
 */
class TenancyServiceTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private DriverManagerDataSource dataSource;
    private TenancyRepository repository;
    private TenancyService service;

    @BeforeEach
    void migratedDatabase() {
        var ds = dataSource = new DriverManagerDataSource(
                "jdbc:h2:mem:t" + UUID.randomUUID().toString().replace("-", "")
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "sa",
                "");
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        repository = new TenancyRepository(ds);
        service = new TenancyService(
                repository,
                new TenancyCache(EmbeddedDefaults.adminKey("sk-admin")),
                Invalidations.none(),
                Clock.fixed(NOW, ZoneOffset.UTC),
                Schedulers.boundedElastic(),
                new Reloads(Schedulers.boundedElastic()));
        service.start(Duration.ofMillis(100), Duration.ofMillis(100));
    }

    @AfterEach
    void close() {
        service.close();
    }

    private String insertKey(String tenant, @Nullable Instant expiresAt) {
        String secret = Keys.generate(Keys.PREFIX);
        repository.insertKey(
                new ApiKey(
                        Keys.newId("key_"),
                        tenant,
                        "k",
                        Keys.lastFour(secret),
                        Scope.tenantDefaults(),
                        NOW,
                        expiresAt,
                        null,
                        null),
                Keys.sha256Hex(secret));
        return secret;
    }

    @Test
    void periodicReloadHealsAChangeNobodyAnnounced() {
        repository.insertTenant(new Tenant("t1", "T1", TenantStatus.ACTIVE, Set.of("echo"), NOW, NOW));
        String secret = insertKey("t1", null);
        assertThat(service.checkKey(secret).outcome()).isEqualTo(Outcome.UNKNOWN);
        await().atMost(Duration.ofSeconds(2))
                .until(() -> service.checkKey(secret).ok());
        assertThat(Objects.requireNonNull(service.checkKey(secret).tenant()).mayUse("echo"))
                .isTrue();
    }

    @Test
    void outcomesFollowExpiryRevocationAndSuspension() {
        service.createTenant("t2", "T2", Set.of("*")).block();
        String live = value(service.issueKey("t2", "live", Scope.tenantDefaults(), null))
                .secret();
        String expired = insertKey("t2", NOW);
        service.reload();
        assertThat(service.checkKey(live).outcome()).isEqualTo(Outcome.OK);
        assertThat(service.checkKey(expired).outcome()).isEqualTo(Outcome.EXPIRED);
        assertThat(service.checkKey(live + "x").outcome()).isEqualTo(Outcome.UNKNOWN);

        service.updateTenant(
                        "t2",
                        new io.modelgateway.gateway.tenancy.Tenancy.TenantChange(null, TenantStatus.SUSPENDED, null))
                .block();
        assertThat(service.checkKey(live).outcome()).isEqualTo(Outcome.TENANT_SUSPENDED);

        String id = value(service.keys("t2")).stream()
                .filter(k -> k.name().equals("live"))
                .findFirst()
                .orElseThrow()
                .id();
        service.revokeKey(id).block();
        assertThat(service.checkKey(live).outcome()).isEqualTo(Outcome.REVOKED);
    }

    @Test
    void configuredAdminKeyBelongsToNoTenant() {
        var check = service.checkKey("sk-admin");
        assertThat(check.ok()).isTrue();
        Credential credential = Objects.requireNonNull(check.credential());
        assertThat(credential.tenantId()).isNull();
        assertThat(credential.scopes()).contains(Scope.ADMIN);
    }

    @Test
    void lastUsedIsWrittenInBatchesNotPerRequest() {
        AtomicInteger updates = new AtomicInteger();
        TenancyService counted = new TenancyService(
                new TenancyRepository(countingLastUsedUpdates(updates)),
                new TenancyCache(EmbeddedDefaults.adminKey("sk-admin")),
                Invalidations.none(),
                Clock.fixed(NOW, ZoneOffset.UTC),
                Schedulers.boundedElastic(),
                new Reloads(Schedulers.boundedElastic()));
        counted.start(Duration.ofHours(1), Duration.ofHours(1)); // no flush until close
        counted.createTenant("t3", "T3", Set.of("*")).block();
        String one = value(counted.issueKey("t3", "one", Scope.tenantDefaults(), null))
                .secret();
        String two = value(counted.issueKey("t3", "two", Scope.tenantDefaults(), null))
                .secret();
        for (int i = 0; i < 100; i++) {
            assertThat(counted.checkKey(i % 2 == 0 ? one : two).ok()).isTrue();
        }
        assertThat(updates).as("nothing written per request").hasValue(0);

        counted.close(); // flushes what was used since the last flush

        assertThat(updates).as("200 uses of two keys, one batch").hasValue(1);
        assertThat(service.keys("t3").block())
                .hasSize(2)
                .allSatisfy(k -> assertThat(k.lastUsedAt()).isEqualTo(NOW));
    }

    @Test
    void lastUsedIsFlushedPeriodically() {
        service.createTenant("t4", "T4", Set.of("*")).block();
        String secret =
                value(service.issueKey("t4", "k", Scope.tenantDefaults(), null)).secret();
        service.checkKey(secret);
        await().atMost(Duration.ofSeconds(2)).until(() -> {
            List<ApiKey> keys = value(service.keys("t4"));
            return keys.get(0).lastUsedAt() != null;
        });
        assertThat(value(service.keys("t4")).get(0).lastUsedAt()).isEqualTo(NOW);
    }

    /** The test database, counting the statements prepared to write last-used times (one per batch). */
    private DataSource countingLastUsedUpdates(AtomicInteger updates) {
        return (DataSource) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(dataSource, method, args);
                    if (!(result instanceof Connection c)) {
                        return result;
                    }
                    return Proxy.newProxyInstance(
                            getClass().getClassLoader(), new Class<?>[] {Connection.class}, (p, m, a) -> {
                                if (m.getName().equals("prepareStatement")
                                        && a[0] instanceof String sql
                                        && sql.startsWith("UPDATE api_key SET last_used_at")) {
                                    updates.incrementAndGet();
                                }
                                return invoke(c, m, a);
                            });
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** What a Mono of the service completes with; these calls never complete empty. */
    private static <T> T value(Mono<T> mono) {
        return Objects.requireNonNull(mono.block(), "completed empty");
    }
}
