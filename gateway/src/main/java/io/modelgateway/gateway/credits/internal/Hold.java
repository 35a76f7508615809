package io.modelgateway.gateway.credits.internal;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Credits held for one call (keyed by its request id in the tenant's account) until it ends, or until
 * {@code deadline}, when the account releases it on its own. {@code epoch} is the account's when it was taken.
 */
final class Hold {

    final String tenant;
    final String requestId;
    final long amount;
    final long epoch;
    final Instant deadline;
    private final AtomicBoolean open = new AtomicBoolean(true);

    Hold(String tenant, String requestId, long amount, long epoch, Instant deadline) {
        this.tenant = tenant;
        this.requestId = requestId;
        this.amount = amount;
        this.epoch = epoch;
        this.deadline = deadline;
    }

    /** Closes the hold; {@code true} only for the one caller that closed it. */
    boolean close() {
        return open.compareAndSet(true, false);
    }
}
