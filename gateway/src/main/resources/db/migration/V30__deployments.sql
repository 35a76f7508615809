-- Deployments defined through the admin API (configured ones live in gateway.deployments and are never
-- stored). One column per setting of gateway.deployments.<name>; durations in milliseconds, NULL rpm/tpm =
-- no default limit. Portable SQL: runs on PostgreSQL and on H2 in PostgreSQL mode.

CREATE TABLE deployment (
    name                   VARCHAR(128)             NOT NULL PRIMARY KEY,
    kind                   VARCHAR(16)              NOT NULL, -- chat | embeddings
    backend                VARCHAR(2000)            NOT NULL, -- a gateway.backends name or host:port[,host:port]
    model                  VARCHAR(200)             NOT NULL,
    chat_template          TEXT                     NOT NULL, -- Jinja source, or chatml / plain
    token_encoding         VARCHAR(64)              NOT NULL,
    default_max_tokens     INTEGER                  NOT NULL,
    max_tokens_limit       INTEGER                  NOT NULL,
    first_token_timeout_ms BIGINT                   NOT NULL,
    idle_timeout_ms        BIGINT                   NOT NULL,
    request_timeout_ms     BIGINT                   NOT NULL,
    rpm                    BIGINT,
    tpm                    BIGINT,
    layout                 VARCHAR(16)              NOT NULL, -- auto | vllm | ensemble
    created_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT deployment_positive CHECK (default_max_tokens > 0 AND max_tokens_limit > 0
        AND (rpm IS NULL OR rpm > 0) AND (tpm IS NULL OR tpm > 0))
);
