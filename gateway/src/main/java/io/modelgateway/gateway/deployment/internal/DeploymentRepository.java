package io.modelgateway.gateway.deployment.internal;

import io.modelgateway.gateway.config.CatalogProperties;
import io.modelgateway.gateway.config.GatewayProperties.DeploymentProperties;
import io.modelgateway.gateway.config.GatewayProperties.Kind;
import io.modelgateway.gateway.config.LayoutSpelling;
import io.modelgateway.gateway.deployment.DeploymentDefinition;
import io.modelgateway.gateway.deployment.DeploymentDefinition.Source;
import io.modelgateway.gateway.runtime.JsonMappers;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Blocking JDBC access to admin-defined deployments; callers run it on a bounded scheduler, never an event loop. */
final class DeploymentRepository {

    private static final String COLUMNS = "name, kind, backend, model, chat_template, token_encoding, "
            + "default_max_tokens, max_tokens_limit, first_token_timeout_ms, idle_timeout_ms, request_timeout_ms, "
            + "rpm, tpm, layout, region, catalog, created_at, updated_at";
    private static final JsonMapper JSON = JsonMappers.JSON;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    DeploymentRepository(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    <T> T inTransaction(Supplier<T> work) {
        return tx.execute(status -> work.get());
    }

    List<DeploymentDefinition> all() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM deployment ORDER BY name")
                .query((rs, n) -> definition(rs))
                .list();
    }

    Optional<DeploymentDefinition> find(String name) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM deployment WHERE name = ?")
                .param(name)
                .query((rs, n) -> definition(rs))
                .optional();
    }

    /** Inserts; a duplicate name fails with Spring's DuplicateKeyException. */
    void insert(DeploymentDefinition d) {
        DeploymentProperties p = d.settings();
        jdbc.sql("INSERT INTO deployment (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        d.name(),
                        lower(p.kind()),
                        p.backend(),
                        p.model(),
                        p.chatTemplate(),
                        p.tokenEncoding(),
                        p.defaultMaxTokens(),
                        p.maxTokensLimit(),
                        ms(p.firstTokenTimeout()),
                        ms(p.idleTimeout()),
                        ms(p.requestTimeout()),
                        p.rpm(),
                        p.tpm(),
                        LayoutSpelling.of(p.layout()),
                        p.region(),
                        catalog(p),
                        ts(d.createdAt()),
                        ts(d.updatedAt()))
                .update();
    }

    /** Replaces the settings; false when there is no such deployment. */
    boolean update(DeploymentDefinition d) {
        DeploymentProperties p = d.settings();
        return jdbc.sql("UPDATE deployment SET kind = ?, backend = ?, model = ?, chat_template = ?, token_encoding = ?,"
                                + " default_max_tokens = ?, max_tokens_limit = ?, first_token_timeout_ms = ?, idle_timeout_ms = ?,"
                                + " request_timeout_ms = ?, rpm = ?, tpm = ?, layout = ?, region = ?, catalog = ?, updated_at = ?"
                                + " WHERE name = ?")
                        .params(
                                lower(p.kind()),
                                p.backend(),
                                p.model(),
                                p.chatTemplate(),
                                p.tokenEncoding(),
                                p.defaultMaxTokens(),
                                p.maxTokensLimit(),
                                ms(p.firstTokenTimeout()),
                                ms(p.idleTimeout()),
                                ms(p.requestTimeout()),
                                p.rpm(),
                                p.tpm(),
                                LayoutSpelling.of(p.layout()),
                                p.region(),
                                catalog(p),
                                ts(d.updatedAt()),
                                d.name())
                        .update()
                == 1;
    }

    boolean delete(String name) {
        return jdbc.sql("DELETE FROM deployment WHERE name = ?").param(name).update() == 1;
    }

    private static DeploymentDefinition definition(ResultSet rs) throws SQLException {
        DeploymentProperties p = new DeploymentProperties(
                Kind.valueOf(upper(rs.getString("kind"))),
                rs.getString("backend"),
                rs.getString("model"),
                rs.getString("chat_template"),
                rs.getString("token_encoding"),
                rs.getInt("default_max_tokens"),
                rs.getInt("max_tokens_limit"),
                duration(rs, "first_token_timeout_ms"),
                duration(rs, "idle_timeout_ms"),
                duration(rs, "request_timeout_ms"),
                nullableLong(rs, "rpm"),
                nullableLong(rs, "tpm"),
                LayoutSpelling.parse(rs.getString("layout")),
                rs.getString("region"),
                catalog(rs.getString("catalog")));
        return new DeploymentDefinition(
                rs.getString("name"), p, Source.ADMIN, instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    private static String catalog(DeploymentProperties p) {
        return p.catalog().equals(CatalogProperties.NONE) ? null : JSON.writeValueAsString(p.catalog());
    }

    private static CatalogProperties catalog(String json) {
        return json == null ? CatalogProperties.NONE : JSON.readValue(json, CatalogProperties.class);
    }

    private static Duration duration(ResultSet rs, String column) throws SQLException {
        return Duration.ofMillis(rs.getLong(column));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    private static OffsetDateTime ts(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    private static long ms(Duration d) {
        return d.toMillis();
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase();
    }

    private static String upper(String s) {
        return s.toUpperCase();
    }
}
