//! The Events Router: events received from an organisation's systems
//! (`POST /api/events`), the channels and event types they arrive on, the
//! invite settings per (channel, event type), and routing an event to an
//! invitation.

pub mod channels;
pub mod events;
pub mod invite_settings;
pub mod routing;
