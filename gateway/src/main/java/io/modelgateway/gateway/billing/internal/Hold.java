package io.modelgateway.gateway.billing.internal;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/** Credits held for one call until it ends (or until {@code deadline}, whichever comes first). */
final class Hold {

    final String tenant;
    final String requestId;
    final long amount;
    final Instant deadline;
    private final AtomicBoolean open = new AtomicBoolean(true);

    Hold(String tenant, String requestId, long amount, Instant deadline) {
        this.tenant = tenant;
        this.requestId = requestId;
        this.amount = amount;
        this.deadline = deadline;
    }

    /** Closes the hold; {@code true} only for the one caller that closed it. */
    boolean close() {
        return open.compareAndSet(true, false);
    }

    boolean isOpen() {
        return open.get();
    }
}
