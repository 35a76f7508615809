package io.modelgateway.billing.usage.internal;

import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/**
 * Tells an error the database raised for what it was given from one that says it cannot be reached, by SQLSTATE
 * class (the same on PostgreSQL and H2): {@code 22} data exception (a value too long, out of range, an invalid
 * character), {@code 23} integrity constraint violation, {@code 54} program limit exceeded (a row or index
 * entry too large). Everything else (connection errors {@code 08}, timeouts, a missing table) is taken as the
 * store being unavailable: the batch is retried.
 */
public final class StoreErrors {

    private static final Set<String> CONTENT_CLASSES = Set.of("22", "23", "54");

    private StoreErrors() {}

    /** Whether the database refused the statement for the values it carried (anywhere in the cause chain). */
    public static boolean refusesContent(SQLException e) {
        Set<Throwable> seen = new HashSet<>();
        Throwable t = e;
        while (t != null && seen.add(t)) {
            if (t instanceof SQLException s) {
                String state = s.getSQLState();
                if (state != null && state.length() >= 2 && CONTENT_CLASSES.contains(state.substring(0, 2))) {
                    return true;
                }
                if (s.getNextException() != null
                        && seen.add(s.getNextException())
                        && refusesContent(s.getNextException())) {
                    return true;
                }
            }
            t = t.getCause();
        }
        return false;
    }
}
