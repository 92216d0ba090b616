-- Languages, translations, theme, hidden fields and thank-you text of a
-- survey, as one JSON document (read and written whole with the survey).
ALTER TABLE surveys ADD COLUMN options TEXT NOT NULL DEFAULT '{}';
-- The language a response was given in.
ALTER TABLE responses ADD COLUMN language TEXT;
