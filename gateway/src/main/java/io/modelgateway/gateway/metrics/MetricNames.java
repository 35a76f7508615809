package io.modelgateway.gateway.metrics;

/** Every metric name the gateway records, in Micrometer's dotted form (Prometheus: snake_case). */
public final class MetricNames {

    private MetricNames() {}

    /** Content rule hits; tags {@code type}, {@code action}, {@code target}. */
    public static final String COMPLIANCE_RULE_HITS = "gateway.compliance.rule.hits";
    /** Calls a compliance policy refused; tag {@code reason} (the error code). */
    public static final String COMPLIANCE_REFUSALS = "gateway.compliance.refusals";
    /** Audit records dropped because the write queue was full or the database kept failing. */
    public static final String COMPLIANCE_AUDIT_DROPPED = "gateway.compliance.audit.dropped";
}
