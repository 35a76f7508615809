package io.modelgateway.gateway.catalog.internal;

import io.modelgateway.gateway.catalog.internal.ModelLoads.State;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Blocking JDBC access to the shared model gates; callers run it on a bounded scheduler, never an event loop. */
final class ModelGateRepository {

    /** A deployment held back by some replica, until {@code expiresAt} ({@code null}: until changed). */
    record Gate(State state, Instant expiresAt) {
        boolean in(Instant now) {
            return expiresAt == null || expiresAt.isAfter(now);
        }
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    ModelGateRepository(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    Map<String, Gate> all() {
        Map<String, Gate> gates = new HashMap<>();
        jdbc.sql("SELECT deployment, state, expires_at FROM model_gate").query(rs -> {
            OffsetDateTime expires = rs.getObject("expires_at", OffsetDateTime.class);
            gates.put(
                    rs.getString("deployment"),
                    new Gate(
                            State.valueOf(rs.getString("state").toUpperCase(Locale.ROOT)),
                            expires == null ? null : expires.toInstant()));
        });
        return gates;
    }

    /** Holds {@code deployment} back (replacing what was stored), or puts it live ({@code gate} null). */
    void put(String deployment, Gate gate, Instant now) {
        tx.executeWithoutResult(status -> replace(deployment, gate, now));
    }

    private void replace(String deployment, Gate gate, Instant now) {
        jdbc.sql("DELETE FROM model_gate WHERE deployment = ?")
                .param(deployment)
                .update();
        if (gate != null) {
            jdbc.sql("INSERT INTO model_gate (deployment, state, expires_at, updated_at) VALUES (?, ?, ?, ?)")
                    .params(
                            deployment,
                            gate.state().value(),
                            gate.expiresAt() == null
                                    ? null
                                    : OffsetDateTime.ofInstant(gate.expiresAt(), ZoneOffset.UTC),
                            OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                    .update();
        }
    }
}
