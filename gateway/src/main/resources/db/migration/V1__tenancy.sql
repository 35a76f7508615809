-- Tenants, their deployment access and their API keys. Portable SQL: runs on PostgreSQL and on H2 in
-- PostgreSQL mode (no TIMESTAMPTZ spelling, no partial indexes, no ON CONFLICT (col), no RETURNING).

CREATE TABLE tenant (
    id          VARCHAR(64)              NOT NULL PRIMARY KEY,
    name        VARCHAR(200)             NOT NULL,
    status      VARCHAR(16)              NOT NULL, -- active | suspended (checked by the application)
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Which deployments (by public name, from configuration) a tenant may use; '*' means all of them.
CREATE TABLE tenant_deployment (
    tenant_id   VARCHAR(64)  NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    deployment  VARCHAR(200) NOT NULL,
    PRIMARY KEY (tenant_id, deployment)
);

-- API keys, stored only as the hex SHA-256 of the key. tenant_id is NULL for platform keys
-- (scopes finance, admin) that belong to no tenant. scopes is a comma-separated list.
CREATE TABLE api_key (
    id           VARCHAR(40)              NOT NULL PRIMARY KEY,
    tenant_id    VARCHAR(64)              REFERENCES tenant (id) ON DELETE CASCADE,
    name         VARCHAR(200)             NOT NULL,
    key_hash     CHAR(64)                 NOT NULL,
    last_four    VARCHAR(4)               NOT NULL,
    scopes       VARCHAR(200)             NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE,
    revoked_at   TIMESTAMP WITH TIME ZONE,
    last_used_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT api_key_hash_unique UNIQUE (key_hash)
);

CREATE INDEX api_key_tenant ON api_key (tenant_id);
