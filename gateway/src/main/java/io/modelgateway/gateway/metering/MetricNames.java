package io.modelgateway.gateway.metering;

/**
 * Every metric the gateway publishes, named in one place: Micrometer's dot-separated names, which the
 * Prometheus registry turns into snake_case with unit suffixes ({@code gen_ai.server.request.duration}
 * becomes {@code gen_ai_server_request_duration_seconds}, a counter gets {@code _total}). OpenTelemetry's
 * GenAI semantic-convention names are used where they exist. The Grafana dashboard and the alert rules in
 * {@code helm/model-gateway/files/} query these series; a test checks that each one they use is scraped.
 */
public final class MetricNames {

    private MetricNames() {}

    // --- OpenTelemetry GenAI (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-metrics/) ---

    /** Tokens per call, by {@link #TOKEN_TYPE} (input, output): a distribution summary. */
    public static final String GEN_AI_TOKEN_USAGE = "gen_ai.client.token.usage";
    /** Time from the request's arrival to its last byte (or its end), for calls that reached a backend. */
    public static final String GEN_AI_REQUEST_DURATION = "gen_ai.server.request.duration";
    /** Time from the request's arrival to its first output token. */
    public static final String GEN_AI_TIME_TO_FIRST_TOKEN = "gen_ai.server.time_to_first_token";
    /** Time per output token after the first (decode speed). */
    public static final String GEN_AI_TIME_PER_OUTPUT_TOKEN = "gen_ai.server.time_per_output_token";

    /** Tag: the deployment (model) the client asked for. */
    public static final String REQUEST_MODEL = "gen_ai.request.model";
    /** Tag: {@code chat}, {@code text_completion} or {@code embeddings}. */
    public static final String OPERATION = "gen_ai.operation.name";
    /** Tag: {@code input} or {@code output}. */
    public static final String TOKEN_TYPE = "gen_ai.token.type";

    // --- requests and refusals ---

    /** Calls that entered the pipeline, by {@link #DEPLOYMENT}, {@link #TENANT}, {@link #OUTCOME}, {@link #STATUS}. */
    public static final String REQUESTS = "gateway.requests";
    /** Calls refused with 429, by {@link #KIND} (the error code: rate_limit_exceeded, insufficient_quota). */
    public static final String QUOTA_REJECTIONS = "gateway.quota.rejections";
    /** Calls refused by a stage with any other status (policy, content rules), by {@link #KIND}. */
    public static final String REFUSALS = "gateway.refusals";
    /** Access-log lines dropped because the asynchronous log queue was full (the event loop never waits for it). */
    public static final String ACCESS_LOG_DROPPED = "gateway.access_log.dropped";
    /** Distinct tenant labels in use; stays at the configured cap once tenants overflow into {@code other}. */
    public static final String TENANT_LABELS = "gateway.metrics.tenant.labels";

    public static final String DEPLOYMENT = "deployment";
    /** Tag: the tenant id, capped ({@code gateway.metrics.max-tenant-labels}); the rest are {@code other}. */
    public static final String TENANT = "tenant";

    public static final String OUTCOME = "outcome";
    public static final String STATUS = "status";
    public static final String KIND = "kind";

    // --- backends ---

    /** 1 when a deployment's backend says its model is ready, else 0, by {@link #DEPLOYMENT}. */
    public static final String BACKEND_READY = "gateway.backend.ready";
    /** 1 when a backend-pool replica takes traffic, else 0, by {@link #POOL} and {@link #REPLICA}. */
    public static final String BACKEND_REPLICA_READY = "gateway.backend.replica.ready";
    /** Calls in flight on a backend-pool replica. */
    public static final String BACKEND_REPLICA_OUTSTANDING = "gateway.backend.replica.outstanding";
    /** 1 for a replica's current circuit-breaker {@link #STATE} (closed, open, half_open), 0 for the others. */
    public static final String BACKEND_BREAKER_STATE = "gateway.backend.breaker.state";

    public static final String POOL = "pool";
    public static final String REPLICA = "replica";
    public static final String STATE = "state";

    // --- Redis and the database (the database's pool timers are Hikari's own hikaricp.connections.*) ---

    /** Round trip of a Redis PING from this replica (health probe), by {@link #RESULT}. */
    public static final String REDIS_LATENCY = "gateway.redis.latency";
    /** 1 when the last Redis probe answered, else 0. */
    public static final String REDIS_UP = "gateway.redis.up";
    /** 1 while quotas run on local buckets because Redis is unreachable (quotas' Redis fallback). */
    public static final String REDIS_FALLBACK_ACTIVE = "gateway.redis.fallback.active";
    /** A database round trip from this replica (health probe {@code SELECT 1}), by {@link #RESULT}. */
    public static final String DB_LATENCY = "gateway.db.latency";

    public static final String RESULT = "result";

    // --- Reloads of stored state (runtime.Reloader) ---

    /** Reloads of stored state that failed, by {@link #SOURCE}; the state in force is kept meanwhile. */
    public static final String RELOAD_FAILURES = "gateway.reload.failures";
    /** Tag: what is reloaded ({@code tenancy}, {@code quota limits}, {@code compliance policies}, ...). */
    public static final String SOURCE = "source";

    // --- credits and usage records (published by the billing code) ---

    /** Credit holds taken at admission, by {@link #TENANT} and {@link #RESULT} (held, lowered, refused). */
    public static final String CREDIT_HOLDS = "gateway.credit.holds";
    /** Micro-credits captured when calls end, by {@link #TENANT}: the credit burn. */
    public static final String CREDIT_CAPTURED = "gateway.credit.captured.micros";
    /** A tenant's available balance in micro-credits, by {@link #TENANT}. */
    public static final String CREDIT_BALANCE = "gateway.credit.balance.micros";
    /** Absolute difference between the credit buckets and the ledger found by the last check. */
    public static final String LEDGER_DRIFT = "gateway.ledger.drift.micros";
    /** Usage records waiting in memory for the batch writer. */
    public static final String USAGE_QUEUE_SIZE = "gateway.usage.queue.size";
    /** Usage batches in the durable local spool (waiting for the database). */
    public static final String USAGE_SPOOL_SIZE = "gateway.usage.spool.size";
    /** Age in seconds of the oldest usage record not yet in the database. */
    public static final String USAGE_LAG = "gateway.usage.lag.seconds";
    /** Usage records the database refused for their content, set aside (dead-letter table or file). */
    public static final String USAGE_DEAD_LETTERS = "gateway.usage.dead.letters";

    /** Calls refused by a quota, by {@link #DEPLOYMENT} and {@code limit} (requests, tokens, too_large). */
    public static final String QUOTA_REJECTED = "gateway.quota.rejected";

    /** Credit holds open on this replica. */
    public static final String CREDIT_HOLDS_ACTIVE = "gateway.credit.holds.active";
    /** Holds released because they outlived their request. */
    public static final String CREDIT_HOLDS_EXPIRED = "gateway.credit.holds.expired";
    /** Redis commands of the credit accounts that failed (timeout, disconnect, error); each is retried or refused. */
    public static final String CREDIT_ACCOUNT_FAILURES = "gateway.credit.account.failures";
    /** Captures, releases and postings waiting for Redis to answer again. */
    public static final String CREDIT_ACCOUNT_QUEUED = "gateway.credit.account.queued";
    /** Usage records this replica stored in the database. */
    public static final String USAGE_WRITTEN = "gateway.usage.written";

    /** Content rule hits; tags {@code type}, {@code action}, {@code target}. */
    public static final String COMPLIANCE_RULE_HITS = "gateway.compliance.rule.hits";
    /** Calls a compliance policy refused; tag {@code reason} (the error code). */
    public static final String COMPLIANCE_REFUSALS = "gateway.compliance.refusals";
    /** Audit records dropped because the write queue was full or the database kept failing. */
    public static final String COMPLIANCE_AUDIT_DROPPED = "gateway.compliance.audit.dropped";
}
