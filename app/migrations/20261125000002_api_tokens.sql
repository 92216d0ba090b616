-- API tokens: the JWT is never stored; `id` is its `jti`.
CREATE TABLE api_tokens (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    created_by       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title            TEXT NOT NULL,
    scopes           TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT,
    last_used_at     BIGINT,
    revoked_at       BIGINT
);
CREATE INDEX api_tokens_by_org ON api_tokens (organization_id, created_at);

-- Settings that every replica must agree on (e.g. a generated secret key).
CREATE TABLE instance_settings (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- First results of POSTs sent with an Idempotency-Key, replayed for repeats.
CREATE TABLE idempotency_keys (
    scope         TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        BIGINT,
    response      TEXT,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
