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

-- Console sessions shared by the replicas when there is no Redis: id is the SHA-256 (hex) of the session id
-- (never the id itself), body the session encrypted with AES-GCM (gateway.console.session-secret), expires_at
-- Unix milliseconds.
CREATE TABLE console_session (
    id         VARCHAR(64)   NOT NULL PRIMARY KEY,
    body       VARCHAR(2048) NOT NULL,
    expires_at BIGINT        NOT NULL
);
CREATE INDEX console_session_expires ON console_session (expires_at);
