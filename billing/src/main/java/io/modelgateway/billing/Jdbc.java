package io.modelgateway.billing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** Small JDBC helpers shared by the stores: transactions and timestamps (portable to PostgreSQL and H2). */
public final class Jdbc {

    private Jdbc() {}

    /** Work inside one transaction (its result may be null: {@code Work<Void>}). */
    @FunctionalInterface
    public interface Work<T extends @Nullable Object> {
        T run(Connection c) throws SQLException;
    }

    public static <T extends @Nullable Object> T inTransaction(DataSource dataSource, Work<T> work)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** Sets a timestamp column; {@code null} sets SQL NULL. */
    public static void setInstant(PreparedStatement ps, int index, @Nullable Instant at) throws SQLException {
        if (at == null) {
            ps.setObject(index, null, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
        }
    }

    /** A {@code NOT NULL} column as an instant. */
    public static Instant requiredInstant(ResultSet rs, String column) throws SQLException {
        Instant at = instant(rs, column);
        if (at == null) {
            throw new SQLException("column " + column + " is NULL");
        }
        return at;
    }

    /** The column as an instant; {@code null} when the column is NULL. */
    public static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
