package io.modelgateway.gateway.billing.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The holds open on this replica. */
final class Holds {

    private final Set<Hold> open = ConcurrentHashMap.newKeySet();

    Hold open(String tenant, String requestId, long amount, Instant deadline) {
        Hold h = new Hold(tenant, requestId, amount, deadline);
        open.add(h);
        return h;
    }

    /** Closes a hold at the end of its call; {@code false} when it had expired already. */
    boolean close(Hold h) {
        open.remove(h);
        return h.close();
    }

    /** Closes and returns the holds whose deadline has passed. */
    List<Hold> expire(Instant now) {
        List<Hold> expired = new ArrayList<>();
        for (Hold h : open) {
            if (!h.deadline.isAfter(now) && h.close()) {
                open.remove(h);
                expired.add(h);
            }
        }
        return expired;
    }

    /** What this replica holds for a tenant. */
    long total(String tenant) {
        long sum = 0;
        for (Hold h : open) {
            if (h.tenant.equals(tenant) && h.isOpen()) {
                sum += h.amount;
            }
        }
        return sum;
    }

    int size() {
        return open.size();
    }
}
