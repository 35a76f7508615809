package io.modelgateway.gateway.policy;

import java.time.Instant;

/**
 * One content rule hit in the audit trail. The matched text is kept only when the tenant's policy says
 * so ({@code audit_matched_text}), else {@code null}.
 *
 * @param target {@code prompt} or {@code completion}
 */
public record AuditRecord(
        long id,
        String tenant,
        String requestId,
        String deployment,
        String rule,
        String ruleType,
        String action,
        String target,
        String matchedText,
        Instant createdAt) {}
