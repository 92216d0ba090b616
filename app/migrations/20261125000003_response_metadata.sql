-- Response metadata as rows, so responses can be filtered by key and value
-- with an index on both databases. Written in the same transaction as the
-- response; the JSON copy on the response row is what is shown.
CREATE TABLE response_metadata (
    response_id  TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    survey_id    TEXT NOT NULL,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    PRIMARY KEY (response_id, key)
);
CREATE INDEX response_metadata_lookup ON response_metadata (survey_id, key, value);
CREATE INDEX responses_by_contact ON responses (survey_id, contact_id);
