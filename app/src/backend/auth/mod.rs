//! Who is calling: password hashing, dashboard sessions, sign-in throttling.

pub mod jwt;
pub mod password;
pub mod session;
pub mod throttle;
pub mod token_registry;

pub use session::{SessionToken, SESSION_COOKIE};
