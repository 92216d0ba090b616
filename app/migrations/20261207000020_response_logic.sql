-- What a survey's logic made of a response (README "Surveys → Logic"): its
-- calculated variables (a JSON object) and the ending it reached. NULL reads
-- as none, so that a large table is not rewritten by this migration.
ALTER TABLE responses ADD COLUMN variables TEXT;
ALTER TABLE responses ADD COLUMN ending TEXT;
