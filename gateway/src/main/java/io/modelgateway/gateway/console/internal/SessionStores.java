package io.modelgateway.gateway.console.internal;

import io.modelgateway.gateway.console.ConsoleProperties;
import io.modelgateway.gateway.console.ConsoleProperties.SessionStoreKind;
import java.time.Clock;
import javax.sql.DataSource;
import reactor.core.scheduler.Scheduler;

/** Picks the session store the configuration asks for; a shared one needs the session secret (checked here, at startup). */
public final class SessionStores {

    private SessionStores() {}

    public static SessionStore create(
            ConsoleProperties p, String jdbcUrl, DataSource dataSource, Scheduler jdbc, Clock clock) {
        SessionStoreKind kind = p.resolved(jdbcUrl);
        return switch (kind) {
            case MEMORY, AUTO -> new MemorySessionStore(clock);
            case REDIS -> {
                if (p.redisUrl().isBlank()) {
                    throw new IllegalStateException(
                            "gateway.console.session-store=redis needs gateway.console.redis-url");
                }
                yield new RedisSessionStore(p.redisUrl(), new SessionCodec(p.sessionSecret()));
            }
            case DATABASE -> new JdbcSessionStore(dataSource, new SessionCodec(p.sessionSecret()), jdbc, clock);
        };
    }
}
