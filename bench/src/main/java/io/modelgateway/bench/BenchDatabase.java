package io.modelgateway.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * A PostgreSQL schema of its own for one benchmark run, migrated with the gateway's Flyway history
 * (tenancy, quotas, billing), dropped on close. URL from {@code -Dbench.pg} (default the local test database).
 */
final class BenchDatabase implements AutoCloseable {

    private static final String URL = System.getProperty("bench.pg", "jdbc:postgresql://127.0.0.1:5432/test");

    final String schema =
            "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    final HikariDataSource dataSource;

    BenchDatabase() throws SQLException {
        execute("CREATE SCHEMA " + schema);
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        c.setUsername(System.getProperty("bench.pg.user", "postgres"));
        c.setPassword(System.getProperty("bench.pg.password", ""));
        c.setMaximumPoolSize(8);
        dataSource = new HikariDataSource(c);
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(schema)
                .defaultSchema(schema)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    @Override
    public void close() throws SQLException {
        dataSource.close();
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(
                URL, System.getProperty("bench.pg.user", "postgres"), System.getProperty("bench.pg.password", ""))) {
            c.createStatement().execute(sql);
        }
    }
}
