package io.modelgateway.billing.report;

import io.modelgateway.billing.Jdbc;
import io.modelgateway.billing.usage.UsageColumns;
import io.modelgateway.billing.usage.UsageRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The usage records of a time range (optionally of chosen tenants), read through a JDBC cursor: a
 * transaction with a fetch size, so PostgreSQL sends rows as they are read instead of the whole range at
 * once. Range by {@code started_at} ({@code usage_record_started}, or {@code usage_record_tenant_started}
 * for one tenant). Blocking and single-threaded: use it from one worker at a time, and close it.
 */
public final class RecordCursor implements AutoCloseable {

    private static final String SQL =
            "SELECT " + UsageColumns.NAMES + " FROM usage_record WHERE started_at >= ? AND started_at < ?";

    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private boolean done;

    private RecordCursor(Connection connection, PreparedStatement statement, ResultSet rows) {
        this.connection = connection;
        this.statement = statement;
        this.rows = rows;
    }

    public static RecordCursor open(
            DataSource dataSource, Instant start, Instant end, List<String> tenants, int fetchSize)
            throws SQLException {
        StringBuilder sql = new StringBuilder(SQL);
        UsageReports.filter(sql, "tenant_id", tenants);
        sql.append(" ORDER BY started_at, request_id");
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            PreparedStatement ps =
                    c.prepareStatement(sql.toString(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            ps.setFetchSize(fetchSize);
            Jdbc.setInstant(ps, 1, start);
            Jdbc.setInstant(ps, 2, end);
            for (int i = 0; i < tenants.size(); i++) {
                ps.setString(3 + i, tenants.get(i));
            }
            return new RecordCursor(c, ps, ps.executeQuery());
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c, e);
            throw e;
        }
    }

    /** Up to {@code max} more records; empty at the end. */
    public List<UsageRecord> next(int max) throws SQLException {
        List<UsageRecord> batch = new ArrayList<>(Math.min(max, 1024));
        while (!done && batch.size() < max) {
            if (rows.next()) {
                batch.add(UsageColumns.read(rows));
            } else {
                done = true;
            }
        }
        return batch;
    }

    @Override
    public void close() throws SQLException {
        try {
            rows.close();
            statement.close();
            connection.rollback();
            connection.setReadOnly(false);
            connection.setAutoCommit(true);
        } finally {
            connection.close();
        }
    }

    private static void closeQuietly(Connection c, Exception cause) {
        try {
            c.close();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
