-- People who answer: linked to responses by the embed's `responder`, and
-- (later) the directory and distributions.
CREATE TABLE contacts (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email            TEXT,
    phone            TEXT,
    external_id      TEXT,
    first_name       TEXT,
    last_name        TEXT,
    attributes       TEXT NOT NULL DEFAULT '{}',
    opted_out        BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX contacts_by_email ON contacts (organization_id, email);
CREATE UNIQUE INDEX contacts_by_phone ON contacts (organization_id, phone);
CREATE UNIQUE INDEX contacts_by_external_id ON contacts (organization_id, external_id);

-- An organisation's declared metadata keys, and how it treats the others.
CREATE TABLE metadata_keys (
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    key              TEXT NOT NULL,
    kind             TEXT NOT NULL,
    anonymize        BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (organization_id, key)
);
ALTER TABLE organizations ADD COLUMN strict_metadata BIGINT NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN anonymize_mode TEXT NOT NULL DEFAULT 'hash';
