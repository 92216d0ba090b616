//! The use cases. Each function takes the database, the caller's scope (the
//! organisation) and validated input, and is the one implementation behind
//! the dashboard, the REST API and the widget.

pub mod accounts;
pub mod contacts;
pub mod idempotency;
pub mod metadata_keys;
pub mod response_updates;
pub mod responses;
pub mod surveys;
pub mod tokens;
pub mod webhook_deliveries;
pub mod webhook_queue;
pub mod webhooks;
