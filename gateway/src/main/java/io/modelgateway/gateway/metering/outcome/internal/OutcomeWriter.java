package io.modelgateway.gateway.metering.outcome.internal;

import io.modelgateway.billing.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * Adds the counter's counts to {@code call_outcome} every flush interval (on a bounded JDBC scheduler, never an
 * event loop) and once more at shutdown. Additive on every database and across replicas: an {@code UPDATE ...
 * SET requests = requests + ?}, an {@code INSERT ... ON CONFLICT DO NOTHING} for rows not there yet, and the
 * update again for rows another replica inserted in between. A failed write puts the counts back.
 */
final class OutcomeWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutcomeWriter.class);
    private static final String WHERE =
            " WHERE minute_start = ? AND tenant_id = ? AND deployment = ? AND outcome = ? AND code = ?";
    private static final String UPDATE = "UPDATE call_outcome SET requests = requests + ?" + WHERE;
    private static final String INSERT = "INSERT INTO call_outcome (requests, minute_start, tenant_id, deployment, "
            + "outcome, code) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

    private final OutcomeCounter counter;
    private final DataSource dataSource;
    private final Disposable task;

    OutcomeWriter(OutcomeCounter counter, DataSource dataSource, Scheduler jdbc, Duration interval) {
        this.counter = counter;
        this.dataSource = dataSource;
        long ms = interval.toMillis();
        this.task = jdbc.schedulePeriodically(this::flush, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Writes what was counted so far; synchronized so the shutdown flush follows a running one. */
    synchronized void flush() {
        List<OutcomeCounter.Count> counts = counter.drain();
        if (counts.isEmpty()) {
            return;
        }
        try {
            Jdbc.inTransaction(dataSource, c -> write(c, counts));
        } catch (SQLException | RuntimeException e) {
            counter.restore(counts);
            log.warn(
                    "writing {} call outcome counts failed (kept for the next flush): {}", counts.size(), e.toString());
        }
    }

    private static Void write(Connection c, List<OutcomeCounter.Count> counts) throws SQLException {
        List<OutcomeCounter.Count> missing = run(c, UPDATE, counts);
        if (!missing.isEmpty()) {
            List<OutcomeCounter.Count> raced = run(c, INSERT, missing);
            if (!run(c, UPDATE, raced).isEmpty()) {
                throw new SQLException("call_outcome rows neither updated nor inserted");
            }
        }
        return null;
    }

    /** Runs the statement for every count as a batch; returns the counts it changed no row for. */
    private static List<OutcomeCounter.Count> run(Connection c, String sql, List<OutcomeCounter.Count> counts)
            throws SQLException {
        if (counts.isEmpty()) {
            return counts;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (OutcomeCounter.Count n : counts) {
                ps.setLong(1, n.requests());
                ps.setLong(2, n.key().minute());
                ps.setString(3, n.key().tenant());
                ps.setString(4, n.key().deployment());
                ps.setString(5, n.key().outcome().value());
                ps.setString(6, n.key().code());
                ps.addBatch();
            }
            int[] changed = ps.executeBatch();
            List<OutcomeCounter.Count> none = new ArrayList<>();
            for (int i = 0; i < changed.length; i++) {
                if (changed[i] == 0) {
                    none.add(counts.get(i));
                }
            }
            return none;
        }
    }

    /** Stops the periodic flush and writes what is left. */
    @Override
    public void close() {
        task.dispose();
        flush();
    }
}
