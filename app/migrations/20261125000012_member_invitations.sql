-- Invitations to join an organisation with a role. Only a SHA-256 of the
-- link's token is stored; a link works once, for 7 days.
CREATE TABLE member_invitations (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email            TEXT NOT NULL,
    role             TEXT NOT NULL,
    token_hash       TEXT NOT NULL UNIQUE,
    invited_by       TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    accepted_at      BIGINT
);
CREATE INDEX member_invitations_by_org ON member_invitations (organization_id, created_at);
