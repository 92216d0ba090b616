//! The use cases. Each function takes the database, the caller's scope (the
//! organisation) and validated input, and is the one implementation behind
//! the dashboard, the REST API and the widget. One folder per area; an area
//! may call another area's public functions (README "Layout").

pub mod cases;
pub mod events_router;
pub mod organization;
pub mod outreach;
pub mod responses;
pub mod surveys;
pub mod webhooks;
