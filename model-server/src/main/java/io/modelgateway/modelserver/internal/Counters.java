package io.modelgateway.modelserver.internal;

import java.util.concurrent.atomic.AtomicLong;

/** Request counters visible to tests and benchmarks. */
public final class Counters {

    private final AtomicLong started = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();

    void started() {
        started.incrementAndGet();
    }

    void cancelled() {
        cancelled.incrementAndGet();
    }

    public long startedRequests() {
        return started.get();
    }

    public long cancelledRequests() {
        return cancelled.get();
    }
}
