//! The webhook delivery worker: claims endpoints with due deliveries (one
//! lease per endpoint, so each endpoint gets its deliveries one at a time in
//! order of creation), signs and POSTs each delivery, and records the outcome.
//! At most `MAX_ENDPOINTS_AT_ONCE` endpoints are served concurrently, so a
//! slow receiver only ever holds up itself.

use app::backend::net_guard::NetGuard;
use app::backend::services::webhook_queue::{self, Due, Outcome};
use app::backend::signing::{key_bytes, simple_signature, standard_signature};
use app::backend::AppState;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

const MAX_ENDPOINTS_AT_ONCE: usize = 64;
/// Replicas that were not woken look for due work this often.
const POLL_EVERY: Duration = Duration::from_millis(250);
const EXCERPT_CHARS: usize = 1_000;
const MAX_BODY_READ: usize = 64 * 1024;

/// Resolves receiver names through the SSRF guard at connection time.
struct GuardedResolver(Arc<NetGuard>);

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let guard = self.0.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs =
                guard.resolve(&host, 0).await.map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { e.into() })?;
            Ok(Box::new(addrs.into_iter()) as Box<dyn Iterator<Item = SocketAddr> + Send>)
        })
    }
}

pub fn http_client(state: &AppState) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_millis(state.config.webhook_timeout_ms))
        .connect_timeout(Duration::from_millis(state.config.webhook_timeout_ms.min(10_000)))
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(GuardedResolver(state.net_guard.clone())))
        .user_agent("Vox-Webhooks/1.0")
        .pool_max_idle_per_host(4)
        .build()
        .expect("the webhook HTTP client configuration is valid")
}

/// Runs forever; spawn it once per server process.
pub async fn run(state: AppState) {
    let client = http_client(&state);
    let slots = Arc::new(Semaphore::new(MAX_ENDPOINTS_AT_ONCE));
    let busy: Arc<Mutex<HashSet<String>>> = Arc::default();
    loop {
        match webhook_queue::due_endpoints(&state.db, MAX_ENDPOINTS_AT_ONCE as i64).await {
            Ok(endpoints) => {
                for endpoint in endpoints {
                    if !busy.lock().unwrap_or_else(|p| p.into_inner()).insert(endpoint.clone()) {
                        continue;
                    }
                    let lease_until = lease_deadline(&state);
                    match webhook_queue::lease(&state.db, &endpoint, lease_until).await {
                        Ok(true) => {}
                        _ => {
                            busy.lock().unwrap_or_else(|p| p.into_inner()).remove(&endpoint);
                            continue;
                        }
                    }
                    let Ok(permit) = slots.clone().acquire_owned().await else { return };
                    let (state, client, busy) = (state.clone(), client.clone(), busy.clone());
                    tokio::spawn(async move {
                        serve_endpoint(&state, &client, &endpoint).await;
                        if let Err(e) = webhook_queue::release(&state.db, &endpoint).await {
                            tracing::warn!(error = %e, "releasing a webhook lease failed");
                        }
                        busy.lock().unwrap_or_else(|p| p.into_inner()).remove(&endpoint);
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

/// A lease covers one attempt plus a margin and is renewed after each one,
/// so a replica that dies holds its endpoints for at most that long.
fn lease_deadline(state: &AppState) -> i64 {
    app::backend::db::now_ms() + state.config.webhook_timeout_ms as i64 + 5_000
}

/// Sends the endpoint's due deliveries, oldest first, until none is due.
async fn serve_endpoint(state: &AppState, client: &reqwest::Client, endpoint_id: &str) {
    loop {
        let target = match webhook_queue::target(&state.db, endpoint_id).await {
            Ok(Some(t)) if t.enabled => t,
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error = %e, "loading a webhook endpoint failed");
                return;
            }
        };
        let due = match webhook_queue::next_due(&state.db, endpoint_id).await {
            Ok(Some(due)) => due,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, "loading a due delivery failed");
                return;
            }
        };
        let Some(secret) = state.secrets.open(&target.secret_sealed) else {
            tracing::error!(endpoint = endpoint_id, "webhook secret cannot be opened with this server's key");
            return;
        };
        let outcome = send(state, client, &target.url, &secret, &due).await;
        if let Err(e) =
            webhook_queue::record(&state.db, endpoint_id, &due, &outcome, &state.config.webhook_retry_schedule).await
        {
            tracing::warn!(error = %e, "recording a webhook attempt failed");
            return;
        }
        let _ = webhook_queue::renew(&state.db, endpoint_id, lease_deadline(state)).await;
    }
}

/// One signed POST; never fails, the outcome says what happened.
async fn send(state: &AppState, client: &reqwest::Client, url: &str, secret: &str, due: &Due) -> Outcome {
    let started = Instant::now();
    let attempted_at = app::backend::db::now_ms();
    let timestamp = chrono::Utc::now().timestamp();
    let key = key_bytes(secret);
    let body = due.payload.as_bytes();
    let headers = vec![
        ("content-type".to_string(), "application/json".to_string()),
        ("webhook-id".to_string(), due.id.clone()),
        ("webhook-timestamp".to_string(), timestamp.to_string()),
        ("webhook-signature".to_string(), standard_signature(&key, &due.id, timestamp, body)),
        ("x-vox-signature".to_string(), simple_signature(&key, body)),
    ];
    let failed = |error: String| Outcome {
        attempted_at,
        duration_ms: started.elapsed().as_millis() as i64,
        http_status: None,
        response_excerpt: None,
        error: Some(error),
        request_headers: headers.clone(),
        retry_after_secs: None,
    };
    // Address literals never reach the resolver: check them here.
    match url::Url::parse(url) {
        Ok(parsed) => {
            if let Err(e) = state.net_guard.check_host(&parsed) {
                return failed(format!("refused by the SSRF guard: {e}"));
            }
        }
        Err(e) => return failed(format!("invalid URL: {e}")),
    }
    let mut request = client.post(url).body(due.payload.clone());
    for (name, value) in &headers {
        request = request.header(name, value);
    }
    let mut response = match request.send().await {
        Ok(r) => r,
        Err(e) => {
            let kind = if e.is_timeout() {
                "timed out"
            } else if e.is_connect() {
                "could not connect"
            } else {
                "request failed"
            };
            return failed(format!("{kind}: {}", error_chain(&e)));
        }
    };
    let status = response.status().as_u16();
    let retry_after_secs =
        response.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok());
    let mut raw = Vec::new();
    while raw.len() < MAX_BODY_READ {
        match response.chunk().await {
            Ok(Some(chunk)) => raw.extend_from_slice(&chunk),
            _ => break,
        }
    }
    let excerpt: String = String::from_utf8_lossy(&raw).chars().take(EXCERPT_CHARS).collect();
    Outcome {
        attempted_at,
        duration_ms: started.elapsed().as_millis() as i64,
        http_status: Some(status),
        response_excerpt: Some(excerpt),
        error: (!(200..300).contains(&status)).then(|| format!("the receiver answered {status}")),
        request_headers: headers,
        retry_after_secs,
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
