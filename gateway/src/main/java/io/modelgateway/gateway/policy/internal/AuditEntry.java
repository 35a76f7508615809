package io.modelgateway.gateway.policy.internal;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A rule hit waiting to be written. */
record AuditEntry(
        String tenant,
        String requestId,
        String deployment,
        String rule,
        String ruleType,
        String action,
        String target,
        @Nullable String matchedText,
        Instant at) {}
