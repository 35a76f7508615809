-- Quota overrides: requests and tokens per minute of a tenant (key_id = '') or of one of its API keys on a
-- deployment. NULL = as the deployment's configured default (for a key: no key-level limit of that kind).
-- Portable SQL: runs on PostgreSQL and on H2 in PostgreSQL mode.

CREATE TABLE quota_limit (
    tenant_id   VARCHAR(64)              NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    deployment  VARCHAR(200)             NOT NULL,
    key_id      VARCHAR(40)              NOT NULL,
    rpm         BIGINT,
    tpm         BIGINT,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, deployment, key_id),
    CONSTRAINT quota_limit_positive CHECK ((rpm IS NULL OR rpm > 0) AND (tpm IS NULL OR tpm > 0))
);
