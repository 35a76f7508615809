package io.modelgateway.gateway.tenancy.internal;

import io.modelgateway.gateway.tenancy.ApiKey;
import io.modelgateway.gateway.tenancy.Scope;
import io.modelgateway.gateway.tenancy.Tenant;
import io.modelgateway.gateway.tenancy.TenantStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Blocking JDBC access to tenants and keys; callers run it on a bounded scheduler, never an event loop. */
final class TenancyRepository {

    private static final String KEY_COLUMNS =
            "id, tenant_id, name, key_hash, last_four, scopes, created_at, expires_at, revoked_at, last_used_at";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final TransactionTemplate tx;

    TenancyRepository(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
        this.template = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    /** A stored key with its hash, which never leaves this package. */
    record StoredKey(ApiKey key, String hash) {}

    <T> T inTransaction(java.util.function.Supplier<T> work) {
        return tx.execute(status -> work.get());
    }

    // --- tenants ---

    List<Tenant> tenants() {
        Map<String, Set<String>> access = access();
        return jdbc.sql("SELECT id, name, status, created_at, updated_at FROM tenant ORDER BY id")
                .query((rs, n) -> tenant(rs, access.getOrDefault(rs.getString("id"), Set.of())))
                .list();
    }

    Optional<Tenant> tenant(String id) {
        Set<String> deployments = deploymentsOf(id);
        return jdbc.sql("SELECT id, name, status, created_at, updated_at FROM tenant WHERE id = ?")
                .param(id)
                .query((rs, n) -> tenant(rs, deployments))
                .optional();
    }

    void insertTenant(Tenant t) {
        jdbc.sql("INSERT INTO tenant (id, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)")
                .params(t.id(), t.name(), t.status().value(), ts(t.createdAt()), ts(t.updatedAt()))
                .update();
        replaceDeployments(t.id(), t.deployments());
    }

    void updateTenant(Tenant t) {
        jdbc.sql("UPDATE tenant SET name = ?, status = ?, updated_at = ? WHERE id = ?")
                .params(t.name(), t.status().value(), ts(t.updatedAt()), t.id())
                .update();
        replaceDeployments(t.id(), t.deployments());
    }

    void replaceDeployments(String tenantId, Set<String> deployments) {
        jdbc.sql("DELETE FROM tenant_deployment WHERE tenant_id = ?")
                .param(tenantId)
                .update();
        List<Object[]> rows =
                deployments.stream().map(d -> new Object[] {tenantId, d}).toList();
        template.batchUpdate("INSERT INTO tenant_deployment (tenant_id, deployment) VALUES (?, ?)", rows);
    }

    Set<String> tenantsOn(String deployment) {
        return new HashSet<>(jdbc.sql("SELECT tenant_id FROM tenant_deployment WHERE deployment = ?")
                .param(deployment)
                .query(String.class)
                .list());
    }

    void setTenantsOn(String deployment, Set<String> tenantIds) {
        jdbc.sql("DELETE FROM tenant_deployment WHERE deployment = ?")
                .param(deployment)
                .update();
        List<Object[]> rows =
                tenantIds.stream().map(t -> new Object[] {t, deployment}).toList();
        template.batchUpdate("INSERT INTO tenant_deployment (tenant_id, deployment) VALUES (?, ?)", rows);
    }

    private Set<String> deploymentsOf(String tenantId) {
        return new HashSet<>(jdbc.sql("SELECT deployment FROM tenant_deployment WHERE tenant_id = ?")
                .param(tenantId)
                .query(String.class)
                .list());
    }

    private Map<String, Set<String>> access() {
        Map<String, Set<String>> access = new HashMap<>();
        jdbc.sql("SELECT tenant_id, deployment FROM tenant_deployment").query(rs -> {
            access.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
        });
        return access;
    }

    private static Tenant tenant(ResultSet rs, Set<String> deployments) throws SQLException {
        TenantStatus status = TenantStatus.parse(rs.getString("status")).orElse(TenantStatus.SUSPENDED);
        return new Tenant(
                rs.getString("id"),
                rs.getString("name"),
                status,
                deployments,
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    // --- keys ---

    List<StoredKey> allKeys() {
        return jdbc.sql("SELECT " + KEY_COLUMNS + " FROM api_key")
                .query(TenancyRepository::storedKey)
                .list();
    }

    List<ApiKey> keysOf(@Nullable String tenantId) {
        String where = tenantId == null ? "tenant_id IS NULL" : "tenant_id = ?";
        var spec = jdbc.sql("SELECT " + KEY_COLUMNS + " FROM api_key WHERE " + where + " ORDER BY created_at, id");
        if (tenantId != null) {
            spec = spec.param(tenantId);
        }
        return spec.query(TenancyRepository::storedKey).list().stream()
                .map(StoredKey::key)
                .toList();
    }

    Optional<ApiKey> key(String id) {
        return jdbc.sql("SELECT " + KEY_COLUMNS + " FROM api_key WHERE id = ?")
                .param(id)
                .query(TenancyRepository::storedKey)
                .optional()
                .map(StoredKey::key);
    }

    void insertKey(ApiKey k, String hash) {
        jdbc.sql("INSERT INTO api_key (id, tenant_id, name, key_hash, last_four, scopes, created_at, expires_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .param(k.id())
                .param(k.tenantId()) // null: a platform key
                .param(k.name())
                .param(hash)
                .param(k.lastFour())
                .param(scopes(k.scopes()))
                .param(ts(k.createdAt()))
                .param(tsOrNull(k.expiresAt())) // null: never expires
                .update();
    }

    /** Replaces a key's secret (the demo key, which is configured rather than issued). */
    void replaceHash(String id, String hash, String lastFour) {
        jdbc.sql("UPDATE api_key SET key_hash = ?, last_four = ? WHERE id = ?")
                .params(hash, lastFour, id)
                .update();
    }

    void revoke(String id, Instant at) {
        jdbc.sql("UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
                .params(ts(at), id)
                .update();
    }

    /** Brings the expiry forward to {@code at} (never pushes it later). */
    void expireBy(String id, Instant at) {
        jdbc.sql("UPDATE api_key SET expires_at = ? WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)")
                .params(ts(at), id, ts(at))
                .update();
    }

    /** One batch for all keys used since the last flush. */
    void recordLastUsed(Map<String, Instant> lastUsed) {
        List<Object[]> rows = new ArrayList<>(lastUsed.size());
        lastUsed.forEach((id, at) -> rows.add(new Object[] {ts(at), id, ts(at)}));
        template.batchUpdate(
                "UPDATE api_key SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
                rows);
    }

    private static StoredKey storedKey(ResultSet rs, int n) throws SQLException {
        ApiKey key = new ApiKey(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("name"),
                rs.getString("last_four"),
                scopes(rs.getString("scopes")),
                instant(rs, "created_at"),
                instantOrNull(rs, "expires_at"),
                instantOrNull(rs, "revoked_at"),
                instantOrNull(rs, "last_used_at"));
        return new StoredKey(key, rs.getString("key_hash").trim());
    }

    private static String scopes(Set<Scope> scopes) {
        return scopes.stream().map(Scope::value).sorted().collect(Collectors.joining(","));
    }

    private static Set<Scope> scopes(String csv) {
        Set<Scope> out = EnumSet.noneOf(Scope.class);
        for (String s : csv.split(",")) {
            Scope.parse(s.trim()).ifPresent(out::add);
        }
        return out;
    }

    private static OffsetDateTime ts(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    private static @Nullable OffsetDateTime tsOrNull(@Nullable Instant at) {
        return at == null ? null : ts(at);
    }

    /** A {@code NOT NULL} timestamp column. */
    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return Objects.requireNonNull(instantOrNull(rs, column), column);
    }

    private static @Nullable Instant instantOrNull(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
