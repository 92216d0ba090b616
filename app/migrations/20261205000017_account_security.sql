-- Access that holds against a hostile tenant (issue 18).

-- Every failed secret check (password, two-factor code), per account and
-- client address. One row per failure, so the throttle can count per account,
-- per address and per pair; rows older than a day are purged.
CREATE TABLE auth_failures (
    id        TEXT PRIMARY KEY,
    email     TEXT NOT NULL,
    address   TEXT NOT NULL,
    at        BIGINT NOT NULL
);
CREATE INDEX auth_failures_by_email ON auth_failures (email, at);
CREATE INDEX auth_failures_by_address ON auth_failures (address, at);
DROP TABLE login_failures;

-- When the address was proven (an emailed link was used); two-factor sign-in.
-- The TOTP secret is sealed with the server's key; `totp_last_step` refuses a
-- code used twice.
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;
ALTER TABLE users ADD COLUMN password_changed_at BIGINT;
ALTER TABLE users ADD COLUMN totp_secret_sealed TEXT;
ALTER TABLE users ADD COLUMN totp_pending_sealed TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at BIGINT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- Single-use recovery codes for two-factor sign-in; only their SHA-256.
CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    used_at    BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- "Forgot password" links: only a SHA-256 of the token, short-lived, used once.
CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX password_resets_by_user ON password_resets (user_id, created_at);

-- Sessions remember where they were opened, for the audit log and the profile.
ALTER TABLE sessions ADD COLUMN address TEXT;
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Organisation policies: two-factor for every member, how long the audit log
-- is kept, and (set by the operator) a daily invitation quota of its own.
ALTER TABLE organizations ADD COLUMN require_two_factor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN audit_retention_days BIGINT NOT NULL DEFAULT 365;
ALTER TABLE organizations ADD COLUMN mail_daily_quota BIGINT;

-- Member invitations reach the invitee by email only.
ALTER TABLE member_invitations ADD COLUMN emailed_at BIGINT;

-- Who opted a contact out: the recipient (only they can undo it) or the organisation.
ALTER TABLE contacts ADD COLUMN opted_out_by TEXT;

-- Invitations created per organisation and day, for the sending quota.
CREATE INDEX invitations_by_org_time ON invitations (organization_id, created_at);

-- Who did what: append-only for everyone, purged only by retention.
CREATE TABLE audit_log (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    at               BIGINT NOT NULL,
    actor_user_id    TEXT,
    actor_email      TEXT,
    actor_token_id   TEXT,
    address          TEXT,
    action           TEXT NOT NULL,
    target_type      TEXT,
    target_id        TEXT,
    details          TEXT NOT NULL
);
CREATE INDEX audit_log_by_org ON audit_log (organization_id, at);
CREATE INDEX audit_log_by_action ON audit_log (organization_id, action, at);
