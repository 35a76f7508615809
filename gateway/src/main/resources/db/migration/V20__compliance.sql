-- Compliance policies and the audit trail of content rule hits. Portable SQL: runs on PostgreSQL and on
-- H2 in PostgreSQL mode.

-- One row per level: tenant_id '*' is the platform default, deployment '*' a tenant's default. spec is
-- the policy as JSON (snake_case, see the admin API); no foreign key, so the platform level fits too.
CREATE TABLE compliance_policy (
    tenant_id   VARCHAR(64)              NOT NULL,
    deployment  VARCHAR(200)             NOT NULL,
    spec        VARCHAR(1000000)         NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, deployment)
);

-- Append-only: one row per rule hit, written in batches off the request path. matched_text stays NULL
-- unless the tenant's policy asks to keep it.
CREATE TABLE compliance_audit (
    id           BIGSERIAL                NOT NULL PRIMARY KEY,
    tenant_id    VARCHAR(64)              NOT NULL,
    request_id   VARCHAR(100)             NOT NULL,
    deployment   VARCHAR(200)             NOT NULL,
    rule_id      VARCHAR(100)             NOT NULL,
    rule_type    VARCHAR(32)              NOT NULL,
    action       VARCHAR(16)              NOT NULL,
    target       VARCHAR(16)              NOT NULL,
    matched_text VARCHAR(400),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX compliance_audit_tenant_time ON compliance_audit (tenant_id, created_at);
CREATE INDEX compliance_audit_time ON compliance_audit (created_at);
