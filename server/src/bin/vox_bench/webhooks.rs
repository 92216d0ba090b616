//! Webhook delivery: completions at a fixed rate to a local receiver, then a
//! queued backlog drained; measures end-to-end latency and throughput.

use super::*;

/// Receipt times of delivered responses, by response id.
type Receipts = Arc<Mutex<std::collections::HashMap<String, Instant>>>;

/// A local webhook receiver on a free port; returns its URL and what it saw.
async fn start_receiver() -> (String, Receipts) {
    let receipts: Receipts = Arc::new(Mutex::new(std::collections::HashMap::new()));
    let seen = receipts.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: axum::body::Bytes| {
            let seen = seen.clone();
            async move {
                let at = Instant::now();
                if let Ok(v) = serde_json::from_slice::<Value>(&body) {
                    if let Some(id) = v["data"]["id"].as_str() {
                        seen.lock().unwrap().entry(id.to_string()).or_insert(at);
                    }
                }
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("receiver port");
    let url = format!("http://{}/hook", listener.local_addr().expect("receiver address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, receipts)
}

/// Completions at 500/s (completion→receipt latency), then the maximum
/// delivery rate: a backlog queued at once, timed until all of it arrived.
pub(crate) async fn webhook_delivery(
    client: &reqwest::Client,
    session: &reqwest::Client,
    base: &str,
    survey_id: &str,
    database_url: &str,
) -> Value {
    let (receiver_url, receipts) = start_receiver().await;
    let res = session
        .post(format!("{base}/api/surveys/{survey_id}/webhooks"))
        .header("origin", base)
        .json(&json!({"name": "bench receiver", "url": receiver_url, "events": ["survey.response.completed"]}))
        .send()
        .await
        .expect("create webhook");
    assert!(res.status().is_success(), "webhook: {} {}", res.status(), res.text().await.unwrap_or_default());
    let endpoint: Value = res.json().await.expect("webhook json");
    let endpoint_id = endpoint["id"].as_str().expect("webhook id").to_string();
    let url = format!("{base}/api/client/surveys/{survey_id}/responses");

    // Fixed rate: when each response was accepted, and when it arrived.
    let accepted: Arc<Mutex<Vec<(String, Instant)>>> = Arc::new(Mutex::new(Vec::new()));
    let rate = 500u64;
    let total = rate * RUN_FOR.as_secs();
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..total {
        tokio::time::sleep_until((start + interval * n as u32).into()).await;
        let (client, url, accepted) = (client.clone(), url.clone(), accepted.clone());
        tasks.push(tokio::spawn(async move {
            if let Ok(res) = client.post(&url).json(&json!({"answers": {"q1": n % 11}})).send().await {
                if let Ok(v) = res.json::<Value>().await {
                    if let Some(id) = v["id"].as_str() {
                        accepted.lock().unwrap().push((id.to_string(), Instant::now()));
                    }
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let wanted: Vec<(String, Instant)> = accepted.lock().unwrap().clone();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline && wanted.iter().any(|(id, _)| !receipts.lock().unwrap().contains_key(id)) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut latency = histogram();
    let mut missing = 0u64;
    {
        let got = receipts.lock().unwrap();
        for (id, at) in &wanted {
            match got.get(id) {
                Some(received) => {
                    let _ = latency.record(received.saturating_duration_since(*at).as_micros().max(1) as u64);
                }
                None => missing += 1,
            }
        }
    }
    let at_rate = json!({"completionsPerSecond": rate, "delivered": latency.len(), "missing": missing,
        "p50Ms": round(latency.value_at_quantile(0.5) as f64 / 1000.0),
        "p99Ms": round(latency.value_at_quantile(0.99) as f64 / 1000.0)});
    println!(
        "  webhook delivery at {rate} completions/s: completion→receipt p50 {:.2} ms, p99 {:.2} ms ({} missing)",
        latency.value_at_quantile(0.5) as f64 / 1000.0,
        latency.value_at_quantile(0.99) as f64 / 1000.0,
        missing
    );

    // The maximum rate: a backlog of deliveries queued in one transaction (as
    // a burst of completions would leave them), timed until all arrived.
    let before = receipts.lock().unwrap().len();
    let started = Instant::now();
    queue_backlog(database_url, &endpoint_id, BACKLOG).await;
    let deadline = Instant::now() + Duration::from_secs(300);
    while Instant::now() < deadline && receipts.lock().unwrap().len() < before + BACKLOG as usize {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let delivered = receipts.lock().unwrap().len() - before;
    let per_second = delivered as f64 / started.elapsed().as_secs_f64();
    println!("  webhook delivery, a backlog of {BACKLOG}: {per_second:.0} deliveries/s ({delivered} delivered)");
    json!({"atFixedRate": at_rate, "saturatedDeliveriesPerSecond": round(per_second), "saturatedDelivered": delivered})
}

const BACKLOG: i64 = 20_000;

/// Queues `count` pending deliveries for the endpoint straight into the database.
async fn queue_backlog(database_url: &str, endpoint_id: &str, count: i64) {
    use sqlx::Row;
    let db = app::backend::db::Db::connect(database_url).await.expect("connect for the backlog");
    let mut tx = db.begin_write().await.expect("tx");
    let row = sqlx::query("SELECT organization_id, last_sequence FROM webhook_endpoints WHERE id = $1")
        .bind(endpoint_id)
        .fetch_one(&mut *tx)
        .await
        .expect("endpoint row");
    let (org, last): (String, i64) = (row.get("organization_id"), row.get("last_sequence"));
    let now = chrono::Utc::now().timestamp_millis();
    for start in (0..count).step_by(500) {
        let mut sql = String::from(
            "INSERT INTO webhook_deliveries (id, organization_id, endpoint_id, event, payload, is_test, status, \
             attempt_count, next_attempt_at, created_at, sequence) VALUES ",
        );
        for k in start..(start + 500).min(count) {
            if k > start {
                sql.push(',');
            }
            let payload =
                format!(r#"{{"type":"survey.response.completed","timestamp":"now","data":{{"id":"backlog-{k}"}}}}"#);
            sql.push_str(&format!(
                "('del_backlog{k:021}', '{org}', '{endpoint_id}', 'survey.response.completed', '{payload}', 0, 'pending', 0, \
                 {now}, {now}, {})",
                last + 1 + k
            ));
        }
        sqlx::query(&sql).execute(&mut *tx).await.expect("insert backlog");
    }
    sqlx::query("UPDATE webhook_endpoints SET last_sequence = $1 WHERE id = $2")
        .bind(last + count)
        .bind(endpoint_id)
        .execute(&mut *tx)
        .await
        .expect("sequence");
    tx.commit().await.expect("commit backlog");
}
