-- Closing the loop, part one (README "Tags and notes"): organisation-wide
-- tags put on responses, and members' internal notes on a response. Both go
-- with their response (ON DELETE CASCADE), so deletion and retention take them.
CREATE TABLE tags (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    -- The name folded to lower case: "Urgent" and "urgent" are one tag.
    name_key         TEXT NOT NULL,
    color            TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX tags_by_name ON tags (organization_id, name_key);

CREATE TABLE response_tags (
    response_id      TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    tag_id           TEXT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (response_id, tag_id)
);
-- The `tag=` filter and the tag's response count start from the tag.
CREATE INDEX response_tags_by_tag ON response_tags (tag_id, response_id);

CREATE TABLE response_notes (
    id               TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    response_id      TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    -- NULL once the author's account is gone; the note stays.
    author_id        TEXT REFERENCES users(id) ON DELETE SET NULL,
    body             TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX response_notes_by_response ON response_notes (response_id, created_at);
