-- The sender reads an endpoint's pending deliveries in order; without this,
-- that read walks past every delivery the endpoint ever received.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id, sequence) WHERE status = 'pending';
