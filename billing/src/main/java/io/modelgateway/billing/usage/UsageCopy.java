package io.modelgateway.billing.usage;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.postgresql.PGConnection;

/**
 * Usage records into PostgreSQL with {@code COPY ... FROM STDIN} (text format: each {@link UsageColumns} value's
 * {@link UsageColumn#text text}, escaped; {@code \N} for NULL): several times a multi-row insert.
 */
final class UsageCopy {

    private static final String STAGE =
            "CREATE TEMPORARY TABLE IF NOT EXISTS usage_stage " + "(LIKE usage_record) ON COMMIT DELETE ROWS";
    private static final String MOVE =
            "INSERT INTO usage_record SELECT * FROM usage_stage ON CONFLICT DO NOTHING " + "RETURNING request_id";
    private static final String SQL = "COPY usage_stage (" + UsageColumns.NAMES + ") FROM STDIN";

    private UsageCopy() {}

    /** Stores the records whose request id is not stored yet, in the caller's transaction; returns those. */
    static List<UsageRecord> copy(Connection c, PGConnection pg, List<UsageRecord> records) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(STAGE);
        }
        copyIn(pg, records);
        Set<String> inserted = new HashSet<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(MOVE)) {
            while (rs.next()) {
                inserted.add(rs.getString(1));
            }
        }
        List<UsageRecord> fresh = new ArrayList<>(inserted.size());
        for (UsageRecord r : records) {
            if (inserted.remove(r.requestId())) { // a repeat inside the batch counts once
                fresh.add(r);
            }
        }
        return fresh;
    }

    private static void copyIn(PGConnection c, List<UsageRecord> records) throws SQLException {
        StringBuilder b = new StringBuilder(records.size() * 200);
        for (UsageRecord r : records) {
            for (int i = 0; i < UsageColumns.ALL.size(); i++) {
                String value = UsageColumns.ALL.get(i).text(r);
                if (value == null) {
                    b.append("\\N");
                } else {
                    text(b, value);
                }
                b.append(i == UsageColumns.ALL.size() - 1 ? '\n' : '\t');
            }
        }
        try {
            c.getCopyAPI().copyIn(SQL, new StringReader(b.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY of usage records failed", e);
        }
    }

    /** COPY text format: backslash, tab, newline and carriage return escaped. */
    private static StringBuilder text(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(ch);
            }
        }
        return b;
    }
}
