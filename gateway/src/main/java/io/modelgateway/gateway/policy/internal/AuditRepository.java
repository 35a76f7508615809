package io.modelgateway.gateway.policy.internal;

import io.modelgateway.gateway.policy.AuditRecord;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Blocking JDBC access to the audit trail: batch inserts and admin queries. */
final class AuditRepository {

    private static final String INSERT = "INSERT INTO compliance_audit (tenant_id, request_id, deployment, rule_id, "
            + "rule_type, action, target, matched_text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final JdbcTemplate template;
    private final JdbcClient jdbc;

    AuditRepository(DataSource dataSource) {
        this.template = new JdbcTemplate(dataSource);
        this.jdbc = JdbcClient.create(dataSource);
    }

    void insert(List<AuditEntry> entries) {
        template.batchUpdate(INSERT, new BatchPreparedStatementSetter() {
            @Override
            public void setValues(PreparedStatement ps, int i) throws SQLException {
                AuditEntry e = entries.get(i);
                ps.setString(1, e.tenant());
                ps.setString(2, e.requestId());
                ps.setString(3, e.deployment());
                ps.setString(4, e.rule());
                ps.setString(5, e.ruleType());
                ps.setString(6, e.action());
                ps.setString(7, e.target());
                ps.setString(8, e.matchedText());
                ps.setObject(9, OffsetDateTime.ofInstant(e.at(), ZoneOffset.UTC));
            }

            @Override
            public int getBatchSize() {
                return entries.size();
            }
        });
    }

    List<AuditRecord> query(@Nullable String tenant, Instant since, int limit) {
        String where = tenant == null ? "created_at >= ?" : "tenant_id = ? AND created_at >= ?";
        var spec = jdbc.sql("SELECT id, tenant_id, request_id, deployment, rule_id, rule_type, action, target, "
                + "matched_text, created_at FROM compliance_audit WHERE " + where + " ORDER BY created_at, id LIMIT ?");
        if (tenant != null) {
            spec = spec.param(tenant);
        }
        return spec.param(OffsetDateTime.ofInstant(since, ZoneOffset.UTC))
                .param(limit)
                .query((rs, n) -> new AuditRecord(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9),
                        rs.getObject(10, OffsetDateTime.class).toInstant()))
                .list();
    }
}
