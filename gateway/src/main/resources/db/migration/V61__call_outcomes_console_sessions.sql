-- Call outcomes per minute (the Outcomes API, the console's error and refusal rates). Every replica counts in
-- memory and adds its counts here every few seconds (update, else insert): rows are sums over replicas.
-- minute_start is Unix seconds (bucketing by arithmetic, no time zone involved); tenant_id '' = refused before a
-- tenant was known (401), deployment '' = no deployment resolved (unknown model, unreadable body).
CREATE TABLE call_outcome (
    minute_start BIGINT       NOT NULL,
    tenant_id    VARCHAR(64)  NOT NULL,
    deployment   VARCHAR(128) NOT NULL,
    outcome      VARCHAR(16)  NOT NULL,
    code         VARCHAR(64)  NOT NULL,
    requests     BIGINT       NOT NULL,
    PRIMARY KEY (minute_start, tenant_id, deployment, outcome, code)
);
CREATE INDEX call_outcome_tenant ON call_outcome (tenant_id, minute_start);
