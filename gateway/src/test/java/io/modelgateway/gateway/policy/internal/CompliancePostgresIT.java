package io.modelgateway.gateway.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelgateway.gateway.policy.AuditRecord;
import io.modelgateway.gateway.policy.PolicySpec;
import io.modelgateway.gateway.policy.RuleSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import reactor.core.scheduler.Schedulers;

/** The compliance tables and queries on real PostgreSQL, in a schema of this run's own. */
class CompliancePostgresIT {

    private static final String SCHEMA =
            "compliance_" + UUID.randomUUID().toString().substring(0, 8);
    private static PGSimpleDataSource dataSource;

    @BeforeAll
    static void migrate() {
        dataSource = new PGSimpleDataSource();
        dataSource.setUrl("jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + SCHEMA);
        dataSource.setUser("postgres");
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(SCHEMA)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    @AfterAll
    static void drop() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.createStatement().execute("DROP SCHEMA " + SCHEMA + " CASCADE");
        }
    }

    @Test
    void policiesAreStoredReloadedAndMerged() {
        PolicyService service = new PolicyService(
                new PolicyRepository(dataSource), new PolicyStore(), Clock.systemUTC(), Schedulers.boundedElastic());
        PolicySpec tenantDefault = new PolicySpec(
                100,
                "refuse",
                null,
                null,
                null,
                List.of("eu"),
                List.of(new RuleSpec("t", "terms", List.of("x"), null, null, null, null, null, null)),
                null,
                null,
                null);
        service.put("acme", "*", tenantDefault).block();
        service.put("acme", "echo", new PolicySpec(50, null, null, null, null, null, null, null, null, null))
                .block();
        service.put("acme", "echo", new PolicySpec(20, null, null, null, null, null, null, null, null, null))
                .block();

        PolicyService fresh = new PolicyService(
                new PolicyRepository(dataSource), new PolicyStore(), Clock.systemUTC(), Schedulers.boundedElastic());
        fresh.reload();
        PolicySpec effective = fresh.effective("acme", "echo");
        assertThat(effective.maxTokens()).isEqualTo(20);
        assertThat(effective.maxTokensAction()).isEqualTo("refuse");
        assertThat(effective.regions()).containsExactly("eu");
        assertThat(fresh.effectivePolicy("acme", "echo").rules().rules()).hasSize(1);
        assertThat(fresh.effective("other", "echo").maxTokens()).isNull();
        assertThat(fresh.get("acme", "*").block()).isEqualTo(tenantDefault);
        assertThat(fresh.delete("acme", "echo").block()).isTrue();
        assertThat(fresh.effective("acme", "echo").maxTokens()).isEqualTo(100);
    }

    @Test
    void auditRecordsAreWrittenInBatchesAndQueriedByTenantAndTime() {
        AuditLog log = new AuditLog(
                new AuditRepository(dataSource),
                1000,
                7,
                Schedulers.boundedElastic(),
                new SimpleMeterRegistry().counter("dropped"));
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 20; i++) {
            log.record(new AuditEntry(
                    i % 2 == 0 ? "a" : "b",
                    "req-" + i,
                    "echo",
                    "rule",
                    "terms",
                    "block",
                    "prompt",
                    i == 0 ? "secret" : null,
                    t0.plusSeconds(i)));
        }
        log.flush();
        List<AuditRecord> a = Objects.requireNonNull(log.query("a", t0, 100).block());
        assertThat(a).hasSize(10).extracting(AuditRecord::requestId).startsWith("req-0", "req-2");
        assertThat(a.get(0).matchedText()).isEqualTo("secret");
        assertThat(a.get(0).createdAt()).isEqualTo(t0);
        assertThat(log.query(null, t0.plusSeconds(15), 100).block()).hasSize(5);
        assertThat(log.query("b", t0, 3).block()).hasSize(3);
    }
}
