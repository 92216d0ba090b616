//! The invitation scheduler: routes received events to invitations, then
//! sends the invitations that are due. All state is in the database and
//! every step is a compare-and-set claim, so it survives restarts and any
//! number of replicas can run it side by side.

use app::backend::services::{events_router::routing, outreach::invitation_delivery};
use app::backend::AppState;
use std::time::Duration;

/// How many events or invitations one pass takes on.
const BATCH: i64 = 100;
/// Replicas that were not woken look for due work this often (and a
/// delayed invitation is sent at most this late).
const POLL_EVERY: Duration = Duration::from_secs(1);

/// Runs forever; spawn it once per server process.
pub async fn run(state: AppState) {
    let owner = format!("{}-{}", std::process::id(), app::backend::db::new_id(app::domain::ids::IdKind::Invitation));
    loop {
        let mut busy = false;
        let claim_ms = state.config.invitation_claim_secs as i64 * 1000;
        match routing::route_pending(&state, BATCH, claim_ms).await {
            Ok(n) => busy |= n as i64 == BATCH,
            Err(e) => tracing::warn!(error = %e, "routing events failed"),
        }
        match invitation_delivery::send_due(&state, &owner, BATCH).await {
            Ok(n) => busy |= n as i64 == BATCH,
            Err(e) => tracing::warn!(error = %e, "sending invitations failed"),
        }
        if !busy {
            // Woken by new work on this replica, or polling for other replicas' work and delays.
            let _ = tokio::time::timeout(POLL_EVERY, state.invitation_wakeup.notified()).await;
        }
    }
}
