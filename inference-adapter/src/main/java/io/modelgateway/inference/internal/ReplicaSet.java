package io.modelgateway.inference.internal;

import io.modelgateway.inference.BackendPool.HostResolver;
import io.modelgateway.inference.PoolConfig;
import io.modelgateway.inference.PoolConfig.Endpoint;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicas of a pool: one per address each endpoint resolves to. {@link #refresh()} re-resolves, adds new
 * addresses and retires vanished ones (their calls in flight finish); an endpoint that fails to resolve keeps
 * its replicas. Reads are a volatile snapshot.
 */
public final class ReplicaSet implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicaSet.class);

    private final List<String> endpoints;
    private final HostResolver resolver;
    private final ReplicaFactory factory;
    private volatile List<Replica> replicas = List.of();
    private boolean closed; // guarded by this

    public ReplicaSet(PoolConfig config, HostResolver resolver, ReplicaFactory factory) {
        this.endpoints = config.endpoints();
        this.resolver = resolver;
        this.factory = factory;
    }

    public List<Replica> all() {
        return replicas;
    }

    /** Resolves every endpoint again (blocking DNS: never call on the timer thread); returns the new replicas. */
    public synchronized List<Replica> refresh() {
        if (closed) {
            return List.of();
        }
        Map<String, Replica> current = new LinkedHashMap<>();
        replicas.forEach(r -> current.put(r.endpoint() + "|" + r.target(), r));
        List<Replica> next = new ArrayList<>();
        List<Replica> added = new ArrayList<>();
        for (String endpoint : endpoints) {
            resolve(endpoint, current, next, added);
        }
        next.forEach(r -> current.remove(r.endpoint() + "|" + r.target()));
        replicas = List.copyOf(next);
        current.values().forEach(r -> {
            log.info("replica {} of {} no longer resolves; retiring it", r.target(), r.endpoint());
            r.close();
        });
        return added;
    }

    private void resolve(String endpoint, Map<String, Replica> current, List<Replica> next, List<Replica> added) {
        Endpoint e = Endpoint.parse(endpoint);
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(e.host());
        } catch (UnknownHostException | RuntimeException ex) {
            log.warn("cannot resolve {}: {}; keeping its replicas", endpoint, ex.toString());
            current.values().stream().filter(r -> r.endpoint().equals(endpoint)).forEach(next::add);
            return;
        }
        for (InetAddress address : addresses) {
            String key = endpoint + "|" + ReplicaFactory.target(address, e.port());
            Replica r = current.get(key);
            if (r == null && next.stream().noneMatch(x -> (x.endpoint() + "|" + x.target()).equals(key))) {
                r = factory.create(endpoint, address, e.port());
                added.add(r);
            }
            if (r != null && !next.contains(r)) {
                next.add(r);
            }
        }
    }

    @Override
    public void close() {
        List<Replica> toClose;
        synchronized (this) {
            closed = true;
            toClose = replicas;
            replicas = List.of();
        }
        toClose.forEach(Replica::close);
    }
}
