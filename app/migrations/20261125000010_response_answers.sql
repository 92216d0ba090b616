-- Answers as rows, for the overview's aggregates and for filtering by an
-- answer ("detractors only") with an index on both databases. Written in the
-- response's transaction (rewritten on every update); the JSON on the
-- response row stays what is shown. `created_at` and `completed` are copied
-- so the overview of a large survey reads this table alone.
CREATE TABLE response_answers (
    response_id  TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    survey_id    TEXT NOT NULL,
    question_id  TEXT NOT NULL,
    -- nps, rating, csat
    num_value    BIGINT,
    -- single_choice, multiple_choice (one row per choice)
    choice       TEXT,
    -- text, email, and the words of an "other" choice
    text_value   TEXT,
    created_at   BIGINT NOT NULL,
    completed    BIGINT NOT NULL
);
-- Covers the overview's aggregates (by question, day, completion, value) without touching the rows.
CREATE INDEX response_answers_by_question ON response_answers (survey_id, question_id, created_at, completed, num_value, choice);
CREATE INDEX response_answers_by_response ON response_answers (response_id);
CREATE INDEX responses_by_survey_time ON responses (survey_id, created_at, completed);

-- Responses stored before this table existed are indexed at start-up.
ALTER TABLE responses ADD COLUMN answers_indexed BIGINT NOT NULL DEFAULT 0;
CREATE INDEX responses_by_survey_update ON responses (survey_id, updated_at);
