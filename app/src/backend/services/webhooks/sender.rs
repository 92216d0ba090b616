//! What one pass of the webhook worker does for one endpoint it has leased
//! (`server::worker::webhooks` runs the loop): claim a batch of due
//! deliveries, sign and POST each over a connection the SSRF guard resolved,
//! and record the outcomes. The HTTP client never follows redirects or uses a
//! proxy, so every connection goes where the guard allowed.

use crate::backend::net_guard::NetGuard;
use crate::backend::services::webhooks::queue::{self, Due, Outcome};
use crate::backend::signing::{key_bytes, simple_signature, standard_signature};
use crate::backend::AppState;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
        // A proxy from the environment would resolve and connect for us,
        // past the SSRF guard: never use one.
        .no_proxy()
        .dns_resolver(Arc::new(GuardedResolver(state.net_guard.clone())))
        .user_agent("Vox-Webhooks/1.0")
        .pool_max_idle_per_host(4)
        .build()
        .expect("the webhook HTTP client configuration is valid")
}

/// Deliveries claimed (and recorded) together, at most.
const BATCH: i64 = 50;
/// Attempts start only this soon after their claim; with each attempt ending
/// by the timeout, all end before the claim (timeout + margin) lapses.
const CLAIM_MARGIN: Duration = Duration::from_secs(5);

/// A lease (and a claim) covers the margin in which attempts may start, the
/// timeout of the last one, and the same margin again for recording them; it
/// is extended with every claim, so a replica that dies holds its endpoints
/// for at most that long.
pub fn lease_deadline(state: &AppState) -> i64 {
    crate::backend::db::now_ms() + state.config.webhook_timeout_ms as i64 + 2 * CLAIM_MARGIN.as_millis() as i64
}

/// Sends the endpoint's due deliveries, oldest first, while they succeed.
/// They are claimed and recorded a batch at a time (one transaction each, so
/// a busy endpoint costs a few commits per batch, not per delivery) and sent
/// one after another over a kept-alive connection, so they arrive in order.
/// After a failure the endpoint waits for its retry and frees its slot, so a
/// failing receiver never holds up the others.
pub async fn serve_endpoint(state: &AppState, client: &reqwest::Client, endpoint_id: &str, owner: &str) {
    loop {
        let target = match queue::target(&state.db, endpoint_id).await {
            Ok(Some(t)) if t.enabled => t,
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error = %e, "loading a webhook endpoint failed");
                return;
            }
        };
        let due = match queue::next_due(&state.db, endpoint_id, BATCH).await {
            Ok(due) if !due.is_empty() => due,
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error = %e, "loading due deliveries failed");
                return;
            }
        };
        // One sender per attempt, whatever happens to leases.
        let claimed_at = Instant::now();
        let claimed = match queue::claim_attempts(&state.db, endpoint_id, owner, due, lease_deadline(state)).await {
            Ok(claimed) if !claimed.is_empty() => claimed,
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error = %e, "claiming webhook deliveries failed");
                return;
            }
        };
        let secret = state.secrets.open(&target.secret_sealed);
        let mut outcomes = Vec::with_capacity(claimed.len());
        let mut unsent = Vec::new();
        let mut failed = false;
        for due in claimed {
            // Every attempt must end (at the latest by the timeout) before the
            // claim and the lease lapse: start one only within their margin.
            if failed || claimed_at.elapsed() >= CLAIM_MARGIN {
                unsent.push(due);
                continue;
            }
            let outcome = match &secret {
                Some(secret) => send(state, client, &target.url, secret, &due).await,
                None => unsendable(
                    &due,
                    "the signing secret cannot be read with this server's key (was VOX_SECRET_KEY changed?)",
                ),
            };
            failed = !outcome.succeeded();
            outcomes.push((due, outcome));
        }
        if let Err(e) =
            queue::record(&state.db, endpoint_id, &outcomes, &unsent, &state.config.webhook_retry_schedule).await
        {
            tracing::warn!(error = %e, "recording webhook attempts failed");
            return;
        }
        // Nothing sent (the claim itself took the whole margin): free the slot rather than spin.
        if failed
            || outcomes.is_empty()
            || !matches!(queue::renew(&state.db, endpoint_id, owner, lease_deadline(state)).await, Ok(true))
        {
            return;
        }
    }
}

/// The outcome of an attempt that could not even be made.
fn unsendable(due: &Due, why: &str) -> Outcome {
    Outcome {
        attempted_at: crate::backend::db::now_ms(),
        duration_ms: 0,
        http_status: None,
        response_excerpt: None,
        error: Some(why.to_string()),
        request_headers: vec![("webhook-id".into(), due.id.clone())],
        retry_after_secs: None,
    }
}

/// Seconds from a `Retry-After` header: delta-seconds or an HTTP date.
fn retry_after(value: &str) -> Option<u64> {
    let value = value.trim();
    value.parse().ok().or_else(|| {
        let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        Some((at.timestamp() - chrono::Utc::now().timestamp()).max(0) as u64)
    })
}

/// One signed POST; never fails, the outcome says what happened.
async fn send(state: &AppState, client: &reqwest::Client, url: &str, secret: &str, due: &Due) -> Outcome {
    let started = Instant::now();
    let attempted_at = crate::backend::db::now_ms();
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
    let retry_after_secs = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(retry_after);
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

#[cfg(test)]
mod tests {
    use super::retry_after;

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        assert_eq!(retry_after("120"), Some(120));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(0), "a past date means now");
        let soon = (chrono::Utc::now() + chrono::Duration::seconds(90)).to_rfc2822();
        assert!(retry_after(&soon).is_some_and(|s| (85..=91).contains(&s)));
        assert_eq!(retry_after("soon"), None);
    }
}
