-- The Events Router: channels, event types (touchpoints), the invite settings
-- that route an event to a survey, the events themselves, and the invitations
-- (personal survey links) they and quick distributions produce.

CREATE TABLE channels (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    is_default       BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX channels_by_org ON channels (organization_id, created_at);

CREATE TABLE event_types (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    active           BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX event_types_by_name ON event_types (organization_id, name);

-- One per (channel, event type) made automatically (is_default = 1); more may
-- be added to route one event type to different surveys by conditions.
CREATE TABLE invite_settings (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    channel_id       TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    event_type_id    TEXT NOT NULL REFERENCES event_types(id) ON DELETE CASCADE,
    survey_id        TEXT REFERENCES surveys(id) ON DELETE SET NULL,
    is_default       BIGINT NOT NULL,
    active           BIGINT NOT NULL,
    priority         BIGINT NOT NULL,
    delay_minutes    BIGINT NOT NULL,
    delay_from       TEXT NOT NULL,
    transport        TEXT NOT NULL,
    -- JSON: {"startHour", "endHour", "timeZone"} or null.
    send_window      TEXT,
    -- JSON array of conditions, all of which must hold.
    conditions       TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX invite_settings_by_pair ON invite_settings (channel_id, event_type_id, priority);

CREATE TABLE events (
    id                     TEXT PRIMARY KEY,
    organization_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    channel_id             TEXT NOT NULL,
    event_type_id          TEXT NOT NULL,
    type                   TEXT NOT NULL,
    transaction_reference  TEXT NOT NULL,
    -- The body as received (normalised), JSON.
    body                   TEXT NOT NULL,
    contact_id             TEXT,
    -- pending → scheduled | skipped (then the invitation carries on).
    status                 TEXT NOT NULL,
    reason                 TEXT,
    invite_setting_id      TEXT,
    invitation_id          TEXT,
    claimed_until          BIGINT,
    received_at            BIGINT NOT NULL,
    processed_at           BIGINT
);
CREATE INDEX events_by_org ON events (organization_id, received_at);
CREATE INDEX events_pending ON events (status, received_at);

CREATE TABLE distributions (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    survey_id        TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    channel          TEXT NOT NULL,
    invited          BIGINT NOT NULL,
    skipped          BIGINT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX distributions_by_survey ON distributions (organization_id, survey_id, created_at);

CREATE TABLE invitations (
    id                 TEXT PRIMARY KEY,
    organization_id    TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    survey_id          TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    contact_id         TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    event_id           TEXT,
    distribution_id    TEXT,
    transport          TEXT NOT NULL,
    locale             TEXT,
    -- JSON object copied onto the response: transaction reference, products, metadata.
    metadata           TEXT NOT NULL,
    -- scheduled → sent | failed | cancelled.
    status             TEXT NOT NULL,
    send_at            BIGINT NOT NULL,
    attempt_count      BIGINT NOT NULL DEFAULT 0,
    claimed_until      BIGINT,
    claimed_by         TEXT,
    last_error         TEXT,
    sent_at            BIGINT,
    opened_at          BIGINT,
    started_at         BIGINT,
    completed_at       BIGINT,
    response_id        TEXT,
    -- Same transaction, event type and customer: one invitation, ever.
    dedupe_key         TEXT,
    created_at         BIGINT NOT NULL
);
CREATE UNIQUE INDEX invitations_dedupe ON invitations (dedupe_key);
CREATE INDEX invitations_due ON invitations (status, send_at);
CREATE INDEX invitations_by_contact ON invitations (organization_id, survey_id, contact_id);
CREATE INDEX invitations_by_distribution ON invitations (distribution_id);

-- Every invitation email: sent over SMTP, or kept here when no SMTP is set up.
CREATE TABLE outbox_messages (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    invitation_id    TEXT NOT NULL,
    to_address       TEXT NOT NULL,
    subject          TEXT NOT NULL,
    text_body        TEXT NOT NULL,
    html_body        TEXT NOT NULL,
    transport        TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX outbox_one_per_invitation ON outbox_messages (invitation_id);
CREATE INDEX outbox_by_org ON outbox_messages (organization_id, created_at);

ALTER TABLE contacts ADD COLUMN locale TEXT;
ALTER TABLE responses ADD COLUMN invitation_id TEXT;

-- One default channel per organisation, one automatic setting per pair.
CREATE UNIQUE INDEX channels_one_default ON channels (organization_id) WHERE is_default = 1;
CREATE UNIQUE INDEX invite_settings_one_default ON invite_settings (channel_id, event_type_id) WHERE is_default = 1;
