package io.modelgateway.billing.ledger;

import io.modelgateway.billing.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The credit ledger (tables {@code credit_account}, {@code credit_entry}; usage debits from
 * {@code usage_daily}). Entries are only ever appended; a balance is always derived from them. Blocking:
 * call it off the event loop.
 */
public final class Ledger {

    private static final String COLUMNS =
            "id, tenant_id, kind, amount_micros, idempotency_key, expires_at, refers_to, note, created_at";

    private final DataSource dataSource;
    private final String currency;

    public Ledger(DataSource dataSource, String currency) {
        this.dataSource = dataSource;
        this.currency = currency;
    }

    /**
     * Appends an entry (and opens the tenant's account on its first). With an idempotency key that the
     * tenant already used, returns the first entry and appends nothing, also when two posts race.
     */
    public Posted post(Posting p, Instant now) throws SQLException {
        return Jdbc.inTransaction(dataSource, c -> {
            openAccount(c, p.tenant(), now);
            String key = p.idempotencyKey();
            if (key != null) {
                Optional<CreditEntry> existing = byKey(c, p.tenant(), key);
                if (existing.isPresent()) {
                    return new Posted(existing.get(), false);
                }
            }
            long id = insert(c, p, now);
            if (id < 0) { // a concurrent post with the same key won (only a keyed entry can conflict)
                if (key == null) {
                    throw new SQLException("credit entry of " + p.tenant() + " without a key was not inserted");
                }
                return new Posted(byKey(c, p.tenant(), key).orElseThrow(), false);
            }
            return new Posted(
                    new CreditEntry(
                            id,
                            p.tenant(),
                            p.kind(),
                            p.amountMicros(),
                            p.idempotencyKey(),
                            p.expiresAt(),
                            p.refersTo(),
                            p.note(),
                            now),
                    true);
        });
    }

    private void openAccount(Connection c, String tenant, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO credit_account (tenant_id, currency, created_at) VALUES (?, ?, ?) ON CONFLICT DO"
                        + " NOTHING")) {
            ps.setString(1, tenant);
            ps.setString(2, currency);
            Jdbc.setInstant(ps, 3, now);
            ps.executeUpdate();
        }
    }

    /** The new entry's id, or -1 when an entry with the same idempotency key exists. */
    private static long insert(Connection c, Posting p, Instant now) throws SQLException {
        String sql = "INSERT INTO credit_entry (tenant_id, kind, amount_micros, idempotency_key, expires_at, "
                + "refers_to, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
        try (PreparedStatement ps = c.prepareStatement(sql, new String[] {"id"})) {
            ps.setString(1, p.tenant());
            ps.setString(2, p.kind().value());
            ps.setLong(3, p.amountMicros());
            ps.setString(4, p.idempotencyKey());
            Jdbc.setInstant(ps, 5, p.expiresAt());
            if (p.refersTo() == 0) {
                ps.setNull(6, java.sql.Types.BIGINT);
            } else {
                ps.setLong(6, p.refersTo());
            }
            ps.setString(7, p.note());
            Jdbc.setInstant(ps, 8, now);
            if (ps.executeUpdate() == 0) {
                return -1;
            }
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private static Optional<CreditEntry> byKey(Connection c, String tenant, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM credit_entry WHERE tenant_id = ? AND idempotency_key = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, key);
            List<CreditEntry> found = read(ps);
            return found.stream().findFirst();
        }
    }

    /** The balance derived from the entries and the recorded usage. */
    public Balance balance(String tenant) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return balance(c, tenant);
        }
    }

    private static Balance balance(Connection c, String tenant) throws SQLException {
        boolean account = exists(c, "SELECT 1 FROM credit_account WHERE tenant_id = ?", tenant);
        long credits = sum(c, "SELECT COALESCE(SUM(amount_micros), 0) FROM credit_entry WHERE tenant_id = ?", tenant);
        long usage = sum(c, "SELECT COALESCE(SUM(cost_micros), 0) FROM usage_daily WHERE tenant_id = ?", tenant);
        return new Balance(tenant, account, credits, usage);
    }

    private static boolean exists(Connection c, String sql, String tenant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static long sum(Connection c, String sql, String tenant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The newest entries first, at most {@code limit}. */
    public List<CreditEntry> entries(String tenant, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                        + " FROM credit_entry WHERE tenant_id = ? ORDER BY created_at DESC, id DESC LIMIT ?")) {
            ps.setString(1, tenant);
            ps.setInt(2, limit);
            return read(ps);
        }
    }

    /** The tenants that have a credit account. */
    public List<String> accounts() throws SQLException {
        List<String> tenants = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT tenant_id FROM credit_account ORDER BY tenant_id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tenants.add(rs.getString(1));
            }
        }
        return tenants;
    }

    /**
     * Takes back what is left of every grant whose expiry has passed, once per grant (an {@code expiry}
     * entry keyed {@code expiry:<grant id>}). Spending is taken to draw on the credits that expire first,
     * so what is left of an expiring grant is the balance minus the credits that outlive it, between zero
     * and the grant's amount.
     */
    public List<CreditEntry> expireDue(Instant now) throws SQLException {
        List<CreditEntry> posted = new ArrayList<>();
        for (CreditEntry grant : dueGrants(now)) {
            long left = Jdbc.inTransaction(dataSource, c -> leftOf(c, grant));
            Posting expiry = new Posting(
                    grant.tenant(),
                    EntryKind.EXPIRY,
                    -left,
                    "expiry:" + grant.id(),
                    null,
                    grant.id(),
                    "unused part of grant " + grant.id() + " expired");
            Posted p = post(expiry, now);
            if (p.created()) {
                posted.add(p.entry());
            }
        }
        return posted;
    }

    private List<CreditEntry> dueGrants(Instant now) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM credit_entry g WHERE g.kind = 'grant' AND g.expires_at <= ? "
                + "AND NOT EXISTS (SELECT 1 FROM credit_entry e WHERE e.kind = 'expiry' AND e.refers_to = g.id) "
                + "ORDER BY g.expires_at, g.id";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            Jdbc.setInstant(ps, 1, now);
            return read(ps);
        }
    }

    private static long leftOf(Connection c, CreditEntry grant) throws SQLException {
        long balance = balance(c, grant.tenant()).balance();
        String sql = "SELECT COALESCE(SUM(amount_micros), 0) FROM credit_entry WHERE tenant_id = ? "
                + "AND kind IN ('grant', 'top_up') AND (expires_at IS NULL OR expires_at > ?)";
        long outliving;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, grant.tenant());
            Jdbc.setInstant(ps, 2, grant.expiresAt());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                outliving = rs.getLong(1);
            }
        }
        return Math.max(0, Math.min(grant.amountMicros(), balance - outliving));
    }

    private static List<CreditEntry> read(PreparedStatement ps) throws SQLException {
        List<CreditEntry> entries = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                entries.add(new CreditEntry(
                        rs.getLong("id"),
                        rs.getString("tenant_id"),
                        EntryKind.parse(rs.getString("kind")).orElseThrow(),
                        rs.getLong("amount_micros"),
                        rs.getString("idempotency_key"),
                        Jdbc.instant(rs, "expires_at"),
                        rs.getLong("refers_to"),
                        rs.getString("note"),
                        Jdbc.requiredInstant(rs, "created_at")));
            }
        }
        return entries;
    }
}
