//! Schedules for the upkeep every replica shares: the API-token registry kept
//! fresh, surveys closed when due, and what has outlived its retention
//! purged. Each step is idempotent, so several replicas running them at once
//! is harmless; what a step does lives in the service it names.

use app::backend::auth::token_registry::{FLUSH_EVERY, REFRESH_EVERY};
use app::backend::auth::{session, throttle};
use app::backend::services::organization::{audit, idempotency};
use app::backend::services::responses::{overview_days, retention};
use app::backend::services::{surveys, webhooks};
use app::backend::AppState;
use std::future::Future;
use std::time::Duration;

/// How often surveys past their closing time are closed.
const CLOSE_DUE_EVERY: Duration = Duration::from_secs(30);
/// How often old rows are purged and closed days counted.
const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// Spawns every schedule (on the current tokio runtime).
pub fn spawn(state: &AppState) {
    let (db, tokens) = (state.db.clone(), state.tokens.clone());
    every(REFRESH_EVERY, move || {
        let (db, tokens) = (db.clone(), tokens.clone());
        async move { warn_on_error(tokens.refresh(&db).await, "refreshing API tokens failed") }
    });
    let (db, tokens) = (state.db.clone(), state.tokens.clone());
    every(FLUSH_EVERY, move || {
        let (db, tokens) = (db.clone(), tokens.clone());
        async move { warn_on_error(tokens.flush_last_used(&db).await, "recording token use failed") }
    });
    let db = state.db.clone();
    every(CLOSE_DUE_EVERY, move || {
        let db = db.clone();
        async move { warn_on_error(surveys::close_due(&db).await, "closing surveys past their closing time failed") }
    });
    let state = state.clone();
    every(PURGE_EVERY, move || {
        let state = state.clone();
        async move { purge(&state).await }
    });
}

/// One pass of the hourly upkeep.
async fn purge(state: &AppState) {
    let db = &state.db;
    warn_on_error(session::purge_expired(db).await, "purging expired sessions failed");
    warn_on_error(throttle::purge_old(db).await, "purging old sign-in attempts failed");
    warn_on_error(audit::purge(db).await, "purging audit log entries past their retention failed");
    warn_on_error(
        webhooks::queue::purge_history(db, state.config.webhook_retention_days).await,
        "purging old webhook deliveries failed",
    );
    warn_on_error(idempotency::purge_old(db).await, "purging old idempotency keys failed");
    match retention::purge(db).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(responses = n, "deleted responses past their retention"),
        Err(e) => tracing::warn!(error = %e, "deleting responses past their retention failed"),
    }
    // After retention, so days it emptied are counted afresh.
    warn_on_error(overview_days::warm_all(db).await, "counting closed days for survey overviews failed");
}

/// Runs `step` at every tick of `period`, forever (the first tick is at once).
fn every<F, Fut>(period: Duration, step: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            step().await;
        }
    });
}

fn warn_on_error<T, E: std::fmt::Display>(result: Result<T, E>, what: &'static str) {
    if let Err(e) = result {
        tracing::warn!(error = %e, "{what}");
    }
}
