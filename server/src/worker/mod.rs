//! Background work: every loop and schedule of the server, and nothing
//! else (what one pass does lives in `app::backend::services`). Each worker
//! claims its work in the database, so any number of replicas can run them
//! at once. (The tasks inside a mechanism, the group-commit writers and the
//! SQLite checkpointer, start with it in `app::backend`.)

pub mod housekeeping;
pub mod invitations;
pub mod webhooks;

use app::backend::AppState;

/// Starts every worker on the current tokio runtime; once per process.
pub fn spawn_all(state: &AppState) {
    tokio::spawn(webhooks::run(state.clone()));
    if state.config.send_invitations {
        tokio::spawn(invitations::run(state.clone()));
    }
    housekeeping::spawn(state);
}
