-- Who holds an endpoint's sending lease, so only the holder renews or releases it.
ALTER TABLE webhook_endpoints ADD COLUMN sending_by TEXT;
-- Per-endpoint order of deliveries, assigned inside the enqueuing transaction
-- (independent of any replica's clock).
ALTER TABLE webhook_endpoints ADD COLUMN last_sequence BIGINT NOT NULL DEFAULT 0;
-- When the endpoint last failed, to tell continuous failure from old failures.
ALTER TABLE webhook_endpoints ADD COLUMN last_failure_at BIGINT;
