-- Published versions of a survey (README "Surveys → Versions"): publishing
-- freezes what respondents answer, each response records the version it was
-- answered under, and an edit never rewrites or mis-maps stored answers.
CREATE TABLE survey_versions (
    survey_id     TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    version       BIGINT NOT NULL,
    name          TEXT NOT NULL,
    questions     TEXT NOT NULL,
    options       TEXT NOT NULL,
    published_at  BIGINT NOT NULL,
    PRIMARY KEY (survey_id, version)
);

-- The version respondents answer now; 0 until first published.
ALTER TABLE surveys ADD COLUMN published_version BIGINT NOT NULL DEFAULT 0;

-- NULL: answered before versions were kept, read as version 1 (so that a
-- large table is not rewritten by this migration).
ALTER TABLE responses ADD COLUMN survey_version BIGINT;

-- Every survey published so far: its current definition is its version 1.
INSERT INTO survey_versions (survey_id, version, name, questions, options, published_at)
    SELECT id, 1, name, questions, options, updated_at FROM surveys WHERE status <> 'draft';
UPDATE surveys SET published_version = 1 WHERE status <> 'draft';
