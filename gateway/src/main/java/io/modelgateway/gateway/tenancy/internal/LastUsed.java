package io.modelgateway.gateway.tenancy.internal;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Last-used times collected in memory on the request path and written in one batch every few seconds,
 * so a request never causes a database write.
 */
final class LastUsed {

    private final Map<String, Instant> pending = new ConcurrentHashMap<>();

    void record(String keyId, Instant at) {
        pending.put(keyId, at);
    }

    /** Takes what was recorded since the last drain. */
    Map<String, Instant> drain() {
        Map<String, Instant> out = new HashMap<>();
        for (String id : pending.keySet()) {
            Instant at = pending.remove(id);
            if (at != null) {
                out.put(id, at);
            }
        }
        return out;
    }

    /** Puts back what could not be written, unless a newer use was recorded meanwhile. */
    void restore(Map<String, Instant> unwritten) {
        unwritten.forEach((id, at) -> pending.merge(id, at, (a, b) -> a.isAfter(b) ? a : b));
    }
}
