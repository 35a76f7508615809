package io.modelgateway.billing.usage;

import io.modelgateway.billing.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Usage records in the database (table {@code usage_record}) and their hourly and daily rollups, written
 * in one transaction per batch: on PostgreSQL {@code COPY} into a staging table and one
 * {@code INSERT ... ON CONFLICT DO NOTHING RETURNING}, elsewhere (H2) a look-up and multi-row inserts. Records
 * whose request id is already stored are left out (so a replayed batch writes nothing twice), and the rollups count only what was inserted.
 * Request ids are unique per gateway replica and each replica has one writer, so no two transactions
 * insert the same id at once. Blocking: only the writer thread calls it.
 */
public final class UsageStore {

    private static final int ROWS_PER_INSERT = 500;
    private static final int IDS_PER_SELECT = 1000;
    private static final String INSERT_HEAD = "INSERT INTO usage_record (" + UsageColumns.NAMES + ") VALUES ";
    private static final String ROW = UsageColumns.PARAMETERS;

    private static final String DEAD_LETTER = "INSERT INTO usage_dead_letter (sql_state, error, dead_at, "
            + UsageColumns.NAMES + ") VALUES " + ROW.replace("(", "(?, ?, ?, ");

    private final DataSource dataSource;

    public UsageStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Stores the records not stored yet; returns how many were new. */
    public int insert(List<UsageRecord> records) throws SQLException {
        if (records.isEmpty()) {
            return 0;
        }
        return Jdbc.inTransaction(dataSource, c -> {
            List<UsageRecord> fresh = c.isWrapperFor(PGConnection.class)
                    ? UsageCopy.copy(c, c.unwrap(PGConnection.class), records)
                    : insertNew(c, records);
            rollUp(c, "usage_hourly", fresh, ChronoUnit.HOURS);
            rollUp(c, "usage_daily", fresh, ChronoUnit.DAYS);
            return fresh.size();
        });
    }

    private static List<UsageRecord> insertNew(Connection c, List<UsageRecord> records) throws SQLException {
        List<UsageRecord> fresh = withoutStored(c, records);
        for (int from = 0; from < fresh.size(); from += ROWS_PER_INSERT) {
            insertRows(c, fresh.subList(from, Math.min(fresh.size(), from + ROWS_PER_INSERT)));
        }
        return fresh;
    }

    private static List<UsageRecord> withoutStored(Connection c, List<UsageRecord> records) throws SQLException {
        Set<String> stored = new HashSet<>();
        for (int from = 0; from < records.size(); from += IDS_PER_SELECT) {
            List<UsageRecord> part = records.subList(from, Math.min(records.size(), from + IDS_PER_SELECT));
            String sql =
                    "SELECT request_id FROM usage_record WHERE request_id IN (" + "?, ".repeat(part.size() - 1) + "?)";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < part.size(); i++) {
                    ps.setString(i + 1, part.get(i).requestId());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        stored.add(rs.getString(1));
                    }
                }
            }
        }
        List<UsageRecord> fresh = new ArrayList<>(records.size());
        for (UsageRecord r : records) {
            if (stored.add(r.requestId())) { // also drops a repeat inside the batch
                fresh.add(r);
            }
        }
        return fresh;
    }

    private static void insertRows(Connection c, List<UsageRecord> rows) throws SQLException {
        String sql = INSERT_HEAD + (ROW + ", ").repeat(rows.size() - 1) + ROW;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (UsageRecord r : rows) {
                i = UsageColumns.bind(ps, i, r);
            }
            ps.executeUpdate();
        }
    }

    private record RollupKey(
            Instant bucket,
            String tenant,
            String apiKeyId,
            String deployment,
            String model,
            String operation,
            long priceVersion) {}

    private static final class Sums {
        long requests;
        long input;
        long cached;
        long output;
        long cost;
    }

    private static void rollUp(Connection c, String table, List<UsageRecord> records, ChronoUnit unit)
            throws SQLException {
        Map<RollupKey, Sums> sums = new LinkedHashMap<>();
        for (UsageRecord r : records) {
            RollupKey k = new RollupKey(
                    r.startedAt().truncatedTo(unit),
                    r.tenant(),
                    r.apiKeyId(),
                    r.deployment(),
                    r.model(),
                    r.operation(),
                    r.priceVersion());
            Sums s = sums.computeIfAbsent(k, x -> new Sums());
            s.requests++;
            s.input += r.inputTokens();
            s.cached += r.cachedInputTokens();
            s.output += r.outputTokens();
            s.cost += r.costMicros();
        }
        for (Map.Entry<RollupKey, Sums> e : sums.entrySet()) {
            if (update(c, table, e.getKey(), e.getValue()) == 0) {
                insertRollup(c, table, e.getKey(), e.getValue());
            }
        }
    }

    private static int update(Connection c, String table, RollupKey k, Sums s) throws SQLException {
        String sql = "UPDATE " + table + " SET requests = requests + ?, input_tokens = input_tokens + ?, "
                + "cached_input_tokens = cached_input_tokens + ?, output_tokens = output_tokens + ?, "
                + "cost_micros = cost_micros + ? WHERE bucket_start = ? AND tenant_id = ? AND api_key_id = ? "
                + "AND deployment = ? AND model = ? AND operation = ? AND price_version = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = setSums(ps, 1, s);
            setKey(ps, i, k);
            return ps.executeUpdate();
        }
    }

    private static void insertRollup(Connection c, String table, RollupKey k, Sums s) throws SQLException {
        String sql = "INSERT INTO " + table + " (requests, input_tokens, cached_input_tokens, output_tokens, "
                + "cost_micros, bucket_start, tenant_id, api_key_id, deployment, model, operation, price_version) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = setSums(ps, 1, s);
            setKey(ps, i, k);
            ps.executeUpdate();
        }
    }

    private static int setSums(PreparedStatement ps, int i, Sums s) throws SQLException {
        ps.setLong(i++, s.requests);
        ps.setLong(i++, s.input);
        ps.setLong(i++, s.cached);
        ps.setLong(i++, s.output);
        ps.setLong(i++, s.cost);
        return i;
    }

    private static void setKey(PreparedStatement ps, int i, RollupKey k) throws SQLException {
        Jdbc.setInstant(ps, i++, k.bucket());
        ps.setString(i++, k.tenant());
        ps.setString(i++, k.apiKeyId());
        ps.setString(i++, k.deployment());
        ps.setString(i++, k.model());
        ps.setString(i++, k.operation());
        ps.setLong(i, k.priceVersion());
    }

    /**
     * Sets a record the database refused aside in {@code usage_dead_letter} (unless its request id is there
     * already: a replayed spool sets it aside once); returns whether it was new. Throws what the table refuses.
     */
    public boolean deadLetter(UsageRecord r, SQLException why) throws SQLException {
        return Jdbc.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM usage_dead_letter WHERE request_id = ?")) {
                ps.setString(1, r.requestId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(DEAD_LETTER)) {
                ps.setString(1, why.getSQLState());
                String message = String.valueOf(why.getMessage());
                ps.setString(2, message.length() > 4000 ? message.substring(0, 4000) : message);
                Jdbc.setInstant(ps, 3, Instant.now());
                UsageColumns.bind(ps, 4, r);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /**
     * Forces what was committed to the disk where the database does not on commit: the embedded H2 writes
     * committed transactions lazily (about a second later), so a spool segment is deleted only after this.
     * PostgreSQL's commit is already durable (unless {@code synchronous_commit} was turned off): nothing to do.
     */
    public void sync() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if ("H2".equals(c.getMetaData().getDatabaseProductName())) {
                try (Statement s = c.createStatement()) {
                    s.execute("CHECKPOINT SYNC");
                }
            }
        }
    }

    /** How many records of this tenant are stored (for tests and reconciliation). */
    public long count(String tenant) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM usage_record WHERE tenant_id = ?")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
