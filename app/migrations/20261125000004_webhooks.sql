-- Webhook endpoints of both API families in one table: survey_id set for a
-- survey's webhooks (seed 002), NULL for organisation-wide ones (seed 003).
CREATE TABLE webhook_endpoints (
    id                  TEXT PRIMARY KEY,
    organization_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    survey_id           TEXT REFERENCES surveys(id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    url                 TEXT NOT NULL,
    events              TEXT NOT NULL,
    enabled             BIGINT NOT NULL,
    thin_payload        BIGINT NOT NULL,
    -- AES-256-GCM sealed; never stored in clear.
    secret_sealed       TEXT NOT NULL,
    failing_since       BIGINT,
    disabled_reason     TEXT,
    -- Lease: the replica sending to this endpoint now, so sends stay in order.
    sending_until       BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_by_org ON webhook_endpoints (organization_id, survey_id);

-- The outbox: written in the same transaction as the change it reports.
CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL,
    endpoint_id      TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event            TEXT NOT NULL,
    payload          TEXT NOT NULL,
    is_test          BIGINT NOT NULL,
    status           TEXT NOT NULL,
    attempt_count    BIGINT NOT NULL,
    http_status      BIGINT,
    next_attempt_at  BIGINT,
    created_at       BIGINT NOT NULL,
    -- Strictly increasing within a process (microseconds, nudged forward on
    -- ties), so deliveries queued in one transaction keep their order.
    sequence         BIGINT NOT NULL,
    delivered_at     BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, sequence);

CREATE TABLE webhook_attempts (
    delivery_id       TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    attempt           BIGINT NOT NULL,
    attempted_at      BIGINT NOT NULL,
    duration_ms       BIGINT NOT NULL,
    http_status       BIGINT,
    response_excerpt  TEXT,
    error             TEXT,
    request_headers   TEXT NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);
