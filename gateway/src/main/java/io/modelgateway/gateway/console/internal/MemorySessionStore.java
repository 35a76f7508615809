package io.modelgateway.gateway.console.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/** Sessions in this replica's memory (one replica, e.g. the embedded default on H2). */
public final class MemorySessionStore implements SessionStore {

    private record Entry(Session session, Instant expires) {}

    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    private final Clock clock;

    public MemorySessionStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Mono<Void> save(Session session, Duration ttl) {
        Instant now = clock.instant();
        byId.values().removeIf(e -> now.isAfter(e.expires()));
        byId.put(session.id(), new Entry(session, now.plus(ttl)));
        return Mono.empty();
    }

    @Override
    public Mono<Session> find(String id) {
        return Mono.justOrEmpty(byId.get(id)).map(Entry::session);
    }

    @Override
    public Mono<Void> delete(String id) {
        byId.remove(id);
        return Mono.empty();
    }

    @Override
    public String describe() {
        return "this replica's memory";
    }
}
