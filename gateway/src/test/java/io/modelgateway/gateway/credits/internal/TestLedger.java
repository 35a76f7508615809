package io.modelgateway.gateway.credits.internal;

import com.zaxxer.hikari.HikariDataSource;
import io.modelgateway.billing.ledger.CreditEntry;
import io.modelgateway.billing.ledger.Ledger;
import io.modelgateway.billing.ledger.Posted;
import io.modelgateway.billing.ledger.Posting;
import io.modelgateway.billing.usage.UsageRecord;
import io.modelgateway.billing.usage.UsageStore;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.Flyway;

/**
 * The real ledger on a fresh in-memory H2 (the gateway's migrations), with usage recorded synchronously, and
 * a clock the test moves.
 */
final class TestLedger implements AutoCloseable {

    final HikariDataSource dataSource = new HikariDataSource();
    final Ledger ledger;
    final UsageStore usage;
    final AtomicLong millis =
            new AtomicLong(Instant.parse("2026-03-01T10:00:00Z").toEpochMilli());
    final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    };

    TestLedger() {
        dataSource.setJdbcUrl(
                "jdbc:h2:mem:credits_" + UUID.randomUUID().toString().replace("-", "")
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        dataSource.setUsername("sa");
        dataSource.setPassword("");
        dataSource.setMaximumPoolSize(4);
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        ledger = new Ledger(dataSource, "usd");
        usage = new UsageStore(dataSource);
    }

    long balance(String tenant) throws SQLException {
        return ledger.balance(tenant).balance();
    }

    CreditEntry post(Posting p) throws SQLException {
        Posted posted = ledger.post(p, clock.instant());
        return posted.entry();
    }

    /** Records a call's usage (the ledger's debit). */
    void spend(String tenant, String requestId, long cost) throws SQLException {
        Instant now = clock.instant();
        usage.insert(List.of(new UsageRecord(
                requestId,
                tenant,
                "key",
                "echo",
                "echo",
                "chat",
                10,
                0,
                5,
                false,
                cost,
                1,
                "completed",
                200,
                now,
                now,
                now)));
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
