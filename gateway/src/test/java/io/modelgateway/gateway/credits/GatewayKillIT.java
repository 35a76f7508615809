package io.modelgateway.gateway.credits;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * SIGKILL under load on the real PostgreSQL (a schema unique to this run). The database batches wait 5 s, so
 * at the kill nearly every record is only in the spool: without the answer waiting for its spool group they
 * would be lost.
 */
class GatewayKillIT extends GatewayKill {

    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String SCHEMA =
            "mgw_kill_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String URL = PG + "?currentSchema=" + SCHEMA;

    @BeforeAll
    static void prepare() throws Exception {
        sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        stopGateway();
        sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }

    @Override
    Map<String, String> storeProperties() {
        return Map.of(
                "spring.datasource.url",
                URL,
                "spring.datasource.username",
                "postgres",
                "spring.datasource.password",
                "",
                "spring.flyway.schemas",
                SCHEMA,
                "spring.flyway.default-schema",
                SCHEMA,
                "gateway.billing.spool-dir",
                work.resolve("spool").toString(),
                "gateway.billing.flush-interval",
                "5s",
                "gateway.console.session-secret",
                io.modelgateway.gateway.Replicas.CONSOLE_SECRET);
    }

    @Override
    long storedAtKill() throws Exception {
        long stored = count(URL, "postgres", "SELECT COUNT(*) FROM usage_record");
        assertThat(stored).as("the kill found records only in the spool").isLessThan(300);
        return stored;
    }

    @Override
    Map<String, Long> recordsAfterRestart(int port, Set<String> completed) throws Exception {
        stopGracefully(); // the spool was replayed before and while serving
        return records(URL, "postgres");
    }

    @Override
    long rollupRequests() throws Exception {
        return count(URL, "postgres", "SELECT COALESCE(SUM(requests), 0) FROM usage_daily");
    }

    private static void sql(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG, "postgres", "")) {
            c.createStatement().execute(statement);
        } catch (SQLException e) {
            throw new SQLException(
                    "GatewayKillIT needs PostgreSQL on 127.0.0.1:5432 (database 'test', user "
                            + "'postgres', trust auth): " + e.getMessage(),
                    e);
        }
    }
}
