-- Closing the loop, part two (README "Cases"): a response that needs
-- following up becomes a case, worked through open → in_progress →
-- resolved → closed by an assignee, with every change kept in its history.
CREATE TABLE cases (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    -- One case per response; it goes with its response (deletion, retention).
    response_id      TEXT NOT NULL UNIQUE REFERENCES responses(id) ON DELETE CASCADE,
    survey_id        TEXT NOT NULL,
    title            TEXT NOT NULL,
    status           TEXT NOT NULL,
    priority         TEXT NOT NULL,
    -- A member of the organisation; members who leave are unassigned by the
    -- service (a foreign key on memberships would null the organisation too).
    assignee_id      TEXT REFERENCES users(id) ON DELETE SET NULL,
    due_at           BIGINT,
    resolution       TEXT,
    -- Who opened it: a member, or NULL for an alert rule (`source`).
    opened_by        TEXT REFERENCES users(id) ON DELETE SET NULL,
    source           TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    resolved_at      BIGINT,
    closed_at        BIGINT
);
-- The inbox: an organisation's cases by status, newest first; a member's own.
CREATE INDEX cases_by_status ON cases (organization_id, status, created_at);
CREATE INDEX cases_by_assignee ON cases (organization_id, assignee_id, status);
CREATE INDEX cases_by_survey ON cases (survey_id, status);

CREATE TABLE case_events (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    -- The member who made the change; NULL for an alert rule, or once the
    -- member's account is gone.
    actor_id         TEXT REFERENCES users(id) ON DELETE SET NULL,
    -- created, status, assignee, due_at, priority, title, resolution
    field            TEXT NOT NULL,
    from_value       TEXT,
    to_value         TEXT,
    at               BIGINT NOT NULL,
    -- Orders the changes one request made at the same instant.
    position         INTEGER NOT NULL
);
CREATE INDEX case_events_by_case ON case_events (case_id, at, position);
