//! The use cases. Each function takes the database, the caller's scope (the
//! organisation) and validated input, and is the one implementation behind
//! the dashboard, the REST API and the widget.

pub mod account_emails;
pub mod accounts;
pub mod analytics;
pub mod answer_index;
pub mod audit;
pub mod channels;
pub mod contacts;
pub mod distributions;
pub mod email_confirmation;
pub mod event_routing;
pub mod events;
pub mod export;
pub mod idempotency;
pub mod invitation_delivery;
pub mod invitations;
pub mod invite_settings;
pub mod mail_quota;
pub mod members;
pub mod metadata_keys;
pub mod organization_sites;
pub mod organization_smtp;
pub mod outbox;
pub mod overview_days;
pub mod passwords;
pub mod response_filter;
pub mod response_updates;
pub mod responses;
pub mod retention;
pub mod surveys;
pub mod tokens;
pub mod two_factor;
pub mod webhook_deliveries;
pub mod webhook_queue;
pub mod webhooks;
