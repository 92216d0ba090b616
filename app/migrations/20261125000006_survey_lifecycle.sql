-- A survey may close itself: at a time, or after a number of complete responses.
ALTER TABLE surveys ADD COLUMN closes_at BIGINT;
ALTER TABLE surveys ADD COLUMN response_limit BIGINT;
