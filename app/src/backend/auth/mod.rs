//! Who is calling: password hashing, dashboard sessions, sign-in throttling.

pub mod password;
pub mod session;
pub mod throttle;

pub use session::{SessionToken, SESSION_COOKIE};
