-- Closed monthly statements: the snapshot a tenant was sent, kept byte for byte (JSON and CSV), and what
-- the ledger held through the month's end at closing, so later corrections carry into the next month.
-- Portable SQL (PostgreSQL and H2 in PostgreSQL mode). Rows are only ever inserted.
CREATE TABLE statement (
    tenant_id              VARCHAR(64)              NOT NULL,
    period                 VARCHAR(7)               NOT NULL, -- yyyy-mm, UTC
    closed_at              TIMESTAMP WITH TIME ZONE NOT NULL,
    credits_through_micros BIGINT                   NOT NULL,
    usage_through_micros   BIGINT                   NOT NULL,
    json_body              BYTEA                    NOT NULL,
    csv_body               BYTEA                    NOT NULL,
    PRIMARY KEY (tenant_id, period)
);
