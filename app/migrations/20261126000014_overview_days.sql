-- A survey's overview per closed day (UTC), so the overview of a large survey
-- reads one row per day instead of every answer row. A day's `epoch` moves,
-- in the same transaction, whenever a response created that day changes
-- after the day has closed (a late completion, a deletion, retention); a
-- cached day is used only while its epoch is still the day's epoch.
CREATE TABLE overview_day_epochs (
    survey_id  TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    day        BIGINT NOT NULL,
    epoch      BIGINT NOT NULL,
    PRIMARY KEY (survey_id, day)
);

CREATE TABLE overview_day_cache (
    survey_id  TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    day        BIGINT NOT NULL,
    -- The day's epoch read before its rows were counted.
    epoch      BIGINT NOT NULL,
    -- JSON: the day's responses by completion and its answers grouped by question, completion and value.
    tally      TEXT NOT NULL,
    PRIMARY KEY (survey_id, day)
);
