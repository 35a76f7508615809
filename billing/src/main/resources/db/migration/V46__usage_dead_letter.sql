-- Usage records the database refused for their content (a value too long, a constraint, an invalid
-- character): the usage writer sets them aside here so they never hold back other records. Same columns as
-- usage_record with room for oversized values, plus why it was refused. Not counted by reports or balances
-- until an operator fixes the cause and moves the row into usage_record (see README, "Usage durability").
CREATE TABLE usage_dead_letter (
    request_id          VARCHAR(200)             NOT NULL PRIMARY KEY,
    tenant_id           VARCHAR(4000)            NOT NULL,
    api_key_id          VARCHAR(4000)            NOT NULL,
    deployment          VARCHAR(4000)            NOT NULL,
    model               VARCHAR(4000)            NOT NULL,
    operation           VARCHAR(4000)            NOT NULL,
    input_tokens        INTEGER                  NOT NULL,
    cached_input_tokens INTEGER                  NOT NULL,
    output_tokens       INTEGER                  NOT NULL,
    estimated           BOOLEAN                  NOT NULL,
    cost_micros         BIGINT                   NOT NULL,
    price_version       BIGINT                   NOT NULL,
    outcome             VARCHAR(4000)            NOT NULL,
    status              INTEGER                  NOT NULL,
    started_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    first_token_at      TIMESTAMP WITH TIME ZONE,
    ended_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    sql_state           VARCHAR(5),
    error               VARCHAR(4000)            NOT NULL,
    dead_at             TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX usage_dead_letter_tenant ON usage_dead_letter (tenant_id);
