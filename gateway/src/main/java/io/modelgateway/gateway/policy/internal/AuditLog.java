package io.modelgateway.gateway.policy.internal;

import io.micrometer.core.instrument.Counter;
import io.modelgateway.gateway.policy.AuditRecord;
import io.modelgateway.gateway.policy.ComplianceAudit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The audit trail: {@link #record} only queues (bounded, never blocks the request path); a background job
 * writes the queue in batches. When the database fails, a batch is put back for the next try as far as the
 * queue has room; what cannot be kept is dropped and counted, never allowed to grow without bound.
 */
final class AuditLog implements ComplianceAudit {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    private final AuditRepository repository;
    private final BlockingQueue<AuditEntry> queue;
    private final int batchSize;
    private final Scheduler jdbcScheduler;
    private final Counter dropped;

    AuditLog(AuditRepository repository, int capacity, int batchSize, Scheduler jdbcScheduler, Counter dropped) {
        this.repository = repository;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchSize = batchSize;
        this.jdbcScheduler = jdbcScheduler;
        this.dropped = dropped;
    }

    void record(AuditEntry entry) {
        if (!queue.offer(entry)) {
            dropped.increment();
        }
    }

    @Override
    public synchronized void flush() {
        List<AuditEntry> batch = new ArrayList<>(batchSize);
        while (queue.drainTo(batch, batchSize) > 0) {
            try {
                repository.insert(batch);
            } catch (RuntimeException e) {
                log.warn("writing {} audit records failed; retrying on the next flush: {}", batch.size(), e.toString());
                batch.forEach(this::record);
                return;
            }
            batch.clear();
        }
    }

    void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("audit flush failed", e);
        }
    }

    @Override
    public Mono<List<AuditRecord>> query(@Nullable String tenant, Instant since, int limit) {
        return Mono.fromCallable(() -> repository.query(tenant, since, limit)).subscribeOn(jdbcScheduler);
    }
}
