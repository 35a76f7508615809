package io.modelgateway.gateway.console.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Sessions in the database ({@code console_session}), shared by every replica: one row per session under the
 * hash of its id, encrypted ({@link SessionCodec}), with its expiry; expired rows are deleted when a session
 * opens. JDBC runs on a bounded scheduler, never on an event loop.
 */
public final class JdbcSessionStore implements SessionStore {

    private final DataSource dataSource;
    private final SessionCodec codec;
    private final Scheduler jdbc;
    private final Clock clock;

    JdbcSessionStore(DataSource dataSource, SessionCodec codec, Scheduler jdbc, Clock clock) {
        this.dataSource = dataSource;
        this.codec = codec;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public Mono<Void> save(Session session, Duration ttl) {
        String id = SessionCodec.storedId(session.id());
        String blob = codec.seal(session);
        long expires = clock.millis() + ttl.toMillis();
        return run(c -> {
                    if (update(c, "UPDATE console_session SET body = ?, expires_at = ? WHERE id = ?", blob, expires, id)
                            == 0) {
                        update(c, "DELETE FROM console_session WHERE expires_at < ?", null, clock.millis(), null);
                        update(
                                c,
                                "INSERT INTO console_session (body, expires_at, id) VALUES (?, ?, ?)",
                                blob,
                                expires,
                                id);
                    }
                    return null;
                })
                .then();
    }

    @Override
    public Mono<Session> find(String id) {
        return run(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT body FROM console_session WHERE id = ? AND expires_at > ?")) {
                ps.setString(1, SessionCodec.storedId(id));
                ps.setLong(2, clock.millis());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? codec.open(id, rs.getString(1)) : null;
                }
            }
        });
    }

    @Override
    public Mono<Void> delete(String id) {
        return run(c -> update(c, "DELETE FROM console_session WHERE id = ?", null, null, SessionCodec.storedId(id)))
                .then();
    }

    /** Runs a statement binding the non-null of body, a number, id, in that order. */
    private static int update(Connection c, String sql, String body, Long number, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (body != null) {
                ps.setString(i++, body);
            }
            if (number != null) {
                ps.setLong(i++, number);
            }
            if (id != null) {
                ps.setString(i, id);
            }
            return ps.executeUpdate();
        }
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> Mono<T> run(Work<T> work) {
        return Mono.fromCallable(() -> {
                    try (Connection c = dataSource.getConnection()) {
                        return work.run(c);
                    }
                })
                .subscribeOn(jdbc);
    }

    @Override
    public String describe() {
        return "the database (shared by the replicas, encrypted)";
    }
}
