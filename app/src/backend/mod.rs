//! Everything that runs only on the server (`ssr`): configuration, the
//! database, authentication and the use cases. REST handlers, server
//! functions and background workers all call `services`; no SQL lives
//! anywhere else.

pub mod auth;
pub mod config;
pub mod db;
pub mod group_commit;
pub mod html;
pub mod invitation_email;
pub mod keys;
pub mod link_tokens;
pub mod mailer;
pub mod net_guard;
pub mod rate_limit;
pub mod read_cache;
pub mod response_token;
pub mod secret_box;
pub mod services;
pub mod signing;
pub mod sql_batch;
pub mod state;

pub use state::AppState;
