package io.modelgateway.billing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh schema on the shared PostgreSQL (database {@code test}) with the billing migration applied, or a
 * fresh H2 in PostgreSQL mode. Fails loudly when PostgreSQL is not there.
 */
public final class TestDatabase implements AutoCloseable {

    public static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";

    public final String schema;
    public final String url;
    public final HikariDataSource dataSource;

    private TestDatabase(String schema, String url, boolean postgres) {
        this.schema = schema;
        this.url = url;
        if (postgres) {
            sql("CREATE SCHEMA " + schema);
        }
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        c.setUsername(postgres ? "postgres" : "sa");
        c.setPassword("");
        c.setMaximumPoolSize(8);
        c.setConnectionTimeout(3000);
        dataSource = new HikariDataSource(c);
        migrate();
    }

    public static TestDatabase postgres() {
        String schema =
                "billing_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return new TestDatabase(schema, PG + "?currentSchema=" + schema, true);
    }

    public static TestDatabase h2() {
        String name = "billing_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return new TestDatabase(
                name,
                "jdbc:h2:mem:" + name
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                false);
    }

    private void migrate() {
        migrate("/db/migration/V10__billing.sql");
        migrate("/db/migration/V40__statements.sql");
        migrate("/db/migration/V46__usage_dead_letter.sql");
    }

    private void migrate(String resource) {
        String script;
        try (InputStream in = TestDatabase.class.getResourceAsStream(resource)) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder clean = new StringBuilder();
        for (String line : script.split("\n")) {
            int comment = line.indexOf("--");
            clean.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            for (String statement : clean.toString().split(";")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("migration failed on " + url, e);
        }
    }

    /** Runs SQL on the database {@code test} outside the schema. */
    public static void sql(String sql) {
        try (Connection c = DriverManager.getConnection(PG, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at 127.0.0.1:5432 is needed for this test: " + e, e);
        }
    }

    @Override
    public void close() {
        dataSource.close();
        if (url.startsWith("jdbc:postgresql")) {
            sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
