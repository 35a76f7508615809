package io.modelgateway.gateway.policy;

import java.time.Instant;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The audit trail of content rule hits: recorded in memory on the request path and written to the
 * database in batches in the background, read by admins.
 */
public interface ComplianceAudit {

    /**
     * Records from {@code since} on, oldest first.
     *
     * @param tenant one tenant, or {@code null} for all
     */
    Mono<List<AuditRecord>> query(String tenant, Instant since, int limit);

    /** Writes what is queued now (tests, shutdown). */
    void flush();
}
