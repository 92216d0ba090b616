//! Who is calling: password hashing, dashboard sessions, the throttle in
//! front of every secret check, trusted devices, two-factor codes, API tokens.

pub mod client;
pub mod device;
pub mod jwt;
mod password;
pub mod secrets;
pub mod session;
pub mod throttle;
pub mod token_registry;
pub mod totp;

pub use client::ClientInfo;
pub use session::{SessionToken, SESSION_COOKIE};
