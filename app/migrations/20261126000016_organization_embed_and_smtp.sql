-- Sites that may show any of the organisation's surveys (a JSON array of
-- origins), in addition to each survey's own list.
ALTER TABLE organizations ADD COLUMN embed_origins TEXT NOT NULL DEFAULT '[]';

-- The organisation's own mail server for its invitations; without a row the
-- server-wide VOX_SMTP_URL (or the outbox) is used. The password is sealed
-- with the server's key (AES-256-GCM), like webhook secrets.
CREATE TABLE organization_smtp (
    organization_id  TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    host             TEXT NOT NULL,
    port             BIGINT NOT NULL,
    security         TEXT NOT NULL,
    username         TEXT,
    password_sealed  TEXT,
    from_address     TEXT NOT NULL,
    updated_at       BIGINT NOT NULL
);
