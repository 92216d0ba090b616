//! Reaching respondents: contacts, invitations (one personal link each),
//! quick distributions, sending them by email (the organisation's own mail
//! server or the operator's, within the daily quota), and the outbox of what
//! was sent.

pub mod contacts;
pub mod distributions;
pub mod invitation_delivery;
pub mod invitations;
pub mod mail_quota;
pub mod organization_smtp;
pub mod outbox;
