package io.modelgateway.gateway.credits.internal;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The holds of calls running on this replica (the accounts keep every replica's). */
final class Holds {

    private final Set<Hold> open = ConcurrentHashMap.newKeySet();

    void add(Hold h) {
        open.add(h);
    }

    /** Closes a hold at the end of its call; {@code false} when it was closed already. */
    boolean close(Hold h) {
        open.remove(h);
        return h.close();
    }

    /** Forgets holds whose deadline passed (their account released them already). */
    void forgetExpired(Instant now) {
        open.removeIf(h -> !h.deadline.isAfter(now));
    }

    int size() {
        return open.size();
    }
}
