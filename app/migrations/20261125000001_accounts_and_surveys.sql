-- Portable DDL: this one file runs on SQLite and PostgreSQL alike.
-- Ids are prefixed random strings, times are epoch milliseconds (BIGINT),
-- flags are 0/1 BIGINTs, JSON documents are TEXT.

CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);

CREATE TABLE memberships (
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role             TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id);

-- Only a SHA-256 of the cookie value is stored: a leaked table opens no session.
CREATE TABLE sessions (
    token_hash       TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Failed sign-ins per email, for throttling across all server replicas.
CREATE TABLE login_failures (
    email  TEXT NOT NULL,
    at     BIGINT NOT NULL
);
CREATE INDEX login_failures_by_email ON login_failures (email, at);

CREATE TABLE surveys (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    status           TEXT NOT NULL,
    questions        TEXT NOT NULL,
    version          BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX surveys_by_org ON surveys (organization_id, created_at);

CREATE TABLE responses (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    survey_id        TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    answers          TEXT NOT NULL,
    metadata         TEXT NOT NULL,
    hidden_fields    TEXT NOT NULL,
    contact_id       TEXT,
    completed        BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    completed_at     BIGINT
);
CREATE INDEX responses_by_survey ON responses (survey_id, created_at, id);
CREATE INDEX responses_by_org ON responses (organization_id, created_at);
