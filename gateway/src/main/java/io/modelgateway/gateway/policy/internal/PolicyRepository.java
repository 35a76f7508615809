package io.modelgateway.gateway.policy.internal;

import io.modelgateway.gateway.policy.PolicySpec;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Blocking JDBC access to stored policies; run on a bounded scheduler or a background thread. */
final class PolicyRepository {

    record Row(String tenant, String deployment, PolicySpec spec) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    PolicyRepository(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    List<Row> all() {
        return jdbc.sql("SELECT tenant_id, deployment, spec FROM compliance_policy")
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), SpecJson.read(rs.getString(3))))
                .list();
    }

    Optional<PolicySpec> get(String tenant, String deployment) {
        return jdbc.sql("SELECT spec FROM compliance_policy WHERE tenant_id = ? AND deployment = ?")
                .params(tenant, deployment)
                .query((rs, n) -> SpecJson.read(rs.getString(1)))
                .optional();
    }

    void put(String tenant, String deployment, String json, Instant at) {
        tx.executeWithoutResult(status -> {
            delete(tenant, deployment);
            jdbc.sql("INSERT INTO compliance_policy (tenant_id, deployment, spec, updated_at) VALUES (?, ?, ?, ?)")
                    .params(tenant, deployment, json, OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                    .update();
        });
    }

    boolean delete(String tenant, String deployment) {
        return jdbc.sql("DELETE FROM compliance_policy WHERE tenant_id = ? AND deployment = ?")
                        .params(tenant, deployment)
                        .update()
                > 0;
    }
}
