package io.modelgateway.gateway.metrics;

/** Every metric name the gateway registers, in one place (lowercase, dot-separated). */
public final class MetricNames {

    private MetricNames() {}

    /** Gauge: sum over tenants of |bucket - ledger| credit drift found by the last check, micro-units. */
    public static final String BILLING_CREDIT_DRIFT = "gateway.billing.credit.drift";
    /** Gauge: credit holds open on this replica. */
    public static final String BILLING_HOLDS_ACTIVE = "gateway.billing.holds.active";
    /** Counter: holds released because they outlived their request. */
    public static final String BILLING_HOLDS_EXPIRED = "gateway.billing.holds.expired";
    /** Counter: calls refused for lack of credits (429 insufficient_quota). */
    public static final String BILLING_INSUFFICIENT_QUOTA = "gateway.billing.insufficient.quota";
    /** Gauge: usage records waiting in memory. */
    public static final String BILLING_USAGE_QUEUED = "gateway.billing.usage.queued";
    /** Gauge: usage batches waiting in the local spool (database unreachable). */
    public static final String BILLING_USAGE_SPOOLED = "gateway.billing.usage.spooled.batches";
    /** Counter-like gauge: usage records stored by this replica since start. */
    public static final String BILLING_USAGE_WRITTEN = "gateway.billing.usage.written";
}
