package io.modelgateway.gateway.quota.internal;

import io.modelgateway.gateway.quota.QuotaLimits;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Blocking JDBC access to stored limits; callers run it on a bounded scheduler, never an event loop. */
final class LimitRepository {

    /** A stored override; {@code keyId} is {@code ""} for the tenant's own limit. */
    record Row(String tenant, String deployment, String keyId, QuotaLimits limits) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    LimitRepository(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    List<Row> all() {
        return jdbc.sql("SELECT tenant_id, deployment, key_id, rpm, tpm FROM quota_limit")
                .query((rs, n) -> new Row(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        new QuotaLimits(rs.getObject(4, Long.class), rs.getObject(5, Long.class))))
                .list();
    }

    /** Inserts or replaces (delete + insert in one transaction: portable to H2). */
    void put(Row row, Instant now) {
        tx.executeWithoutResult(status -> {
            delete(row.tenant(), row.deployment(), row.keyId());
            jdbc.sql("INSERT INTO quota_limit (tenant_id, deployment, key_id, rpm, tpm, updated_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?)")
                    .params(row.tenant(), row.deployment(), row.keyId())
                    .param(row.limits().rpm()) // null: no limit of that kind (SQL NULL)
                    .param(row.limits().tpm())
                    .param(OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                    .update();
        });
    }

    boolean delete(String tenant, String deployment, String keyId) {
        return jdbc.sql("DELETE FROM quota_limit WHERE tenant_id = ? AND deployment = ? AND key_id = ?")
                        .params(tenant, deployment, keyId)
                        .update()
                > 0;
    }
}
