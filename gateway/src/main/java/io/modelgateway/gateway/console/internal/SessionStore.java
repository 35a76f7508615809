package io.modelgateway.gateway.console.internal;

import java.time.Duration;
import reactor.core.publisher.Mono;

/** Where console sessions live: this replica's memory, or shared by the replicas (Redis, the database). */
public interface SessionStore extends AutoCloseable {

    /** Stores (or replaces) a session; it may be forgotten {@code ttl} later. */
    Mono<Void> save(Session session, Duration ttl);

    /** The session with this id, or empty. */
    Mono<Session> find(String id);

    Mono<Void> delete(String id);

    /** For the startup log: where sessions live. */
    String describe();

    @Override
    default void close() {}
}
