//! The webhook delivery loop: finds endpoints with due deliveries, leases
//! each (one lease per endpoint, so each endpoint gets its deliveries one at
//! a time in order of creation) and has `services::webhooks::sender` serve
//! it. At most `MAX_ENDPOINTS_AT_ONCE` endpoints are served concurrently, so
//! a slow receiver only ever holds up itself.

use app::backend::services::webhooks::queue;
use app::backend::services::webhooks::sender::{self, http_client, lease_deadline};
use app::backend::AppState;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

const MAX_ENDPOINTS_AT_ONCE: usize = 64;
/// Replicas that were not woken look for due work this often.
const POLL_EVERY: Duration = Duration::from_millis(250);

/// Runs forever; spawn it once per server process.
pub async fn run(state: AppState) {
    let client = http_client(&state);
    let slots = Arc::new(Semaphore::new(MAX_ENDPOINTS_AT_ONCE));
    let busy: Arc<Mutex<HashSet<String>>> = Arc::default();
    // Names this process's leases, so only it renews or releases them.
    let owner = format!("{}-{}", std::process::id(), app::backend::db::new_id(app::domain::ids::IdKind::Delivery));
    loop {
        match queue::due_endpoints(&state.db, MAX_ENDPOINTS_AT_ONCE as i64).await {
            Ok(endpoints) => {
                for endpoint in endpoints {
                    // Wait for a free slot *before* leasing, so a lease never
                    // lapses while its endpoint waits for a slot.
                    let Ok(permit) = slots.clone().acquire_owned().await else { return };
                    let Some(guard) = BusyGuard::take(&busy, &endpoint) else { continue };
                    if !matches!(queue::lease(&state.db, &endpoint, &owner, lease_deadline(&state)).await, Ok(true)) {
                        continue;
                    }
                    let (state, client, owner) = (state.clone(), client.clone(), owner.clone());
                    tokio::spawn(async move {
                        sender::serve_endpoint(&state, &client, &endpoint, &owner).await;
                        if let Err(e) = queue::release(&state.db, &endpoint, &owner).await {
                            tracing::warn!(error = %e, "releasing a webhook lease failed");
                        }
                        drop(guard);
                        drop(permit);
                    });
                }
            }
            Err(e) => tracing::warn!(error = %e, "looking for due webhook deliveries failed"),
        }
        tokio::select! {
            _ = state.webhook_wakeup.notified() => {}
            _ = tokio::time::sleep(POLL_EVERY) => {}
        }
    }
}

/// Marks an endpoint as served by this process until dropped (even if the
/// task serving it panics).
struct BusyGuard {
    busy: Arc<Mutex<HashSet<String>>>,
    endpoint: String,
}

impl BusyGuard {
    fn take(busy: &Arc<Mutex<HashSet<String>>>, endpoint: &str) -> Option<BusyGuard> {
        let inserted = busy.lock().unwrap_or_else(|p| p.into_inner()).insert(endpoint.to_string());
        inserted.then(|| BusyGuard { busy: busy.clone(), endpoint: endpoint.to_string() })
    }
}

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.busy.lock().unwrap_or_else(|p| p.into_inner()).remove(&self.endpoint);
    }
}
