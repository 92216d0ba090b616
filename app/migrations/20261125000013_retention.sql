-- How many days an organisation keeps responses; NULL keeps them for ever.
ALTER TABLE organizations ADD COLUMN retention_days BIGINT;
