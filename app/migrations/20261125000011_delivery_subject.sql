-- The object a delivery reports on (a response, an event): a response's
-- detail page lists the deliveries it caused.
ALTER TABLE webhook_deliveries ADD COLUMN subject_id TEXT;
CREATE INDEX webhook_deliveries_by_subject ON webhook_deliveries (subject_id);
