//! `vox-bench`: the performance harness behind `.ci/bench.sh`.
//!
//! Starts the release server on a fresh SQLite database and then on a fresh
//! PostgreSQL database, loads it over loopback HTTP, and prints a table plus
//! JSON (written under `target/bench/`). Every run also measures a ceiling:
//! the same load generator against `vox --ceiling`, a trivial handler served
//! by the same binary the same way, so each figure is reported both absolute
//! and as a share of what this machine can do at all.

use hdrhistogram::Histogram;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CONCURRENCY: usize = 32;
const RUN_FOR: Duration = Duration::from_secs(8);
const WARM_UP: Duration = Duration::from_secs(1);

/// Throughput and latency of one workload.
#[derive(Clone, Debug)]
struct Measured {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

impl Measured {
    fn json(&self) -> Value {
        json!({"perSecond": round(self.per_second), "p50Ms": round(self.p50_ms), "p99Ms": round(self.p99_ms), "errors": self.errors})
    }
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds")
}

/// What one request of a workload is: built fresh for each call.
type MakeRequest = Arc<dyn Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync>;

/// Sends request `n` and reads the whole body; true when the status is `expect`.
async fn send_one(client: &reqwest::Client, make: &MakeRequest, n: u64, expect: u16) -> bool {
    match make(client, n).send().await {
        Ok(res) => {
            let status = res.status().as_u16();
            let _ = res.bytes().await;
            status == expect
        }
        Err(_) => false,
    }
}

/// Closed loop: `CONCURRENCY` workers send back-to-back requests for
/// `RUN_FOR` (after a warm-up that is not counted).
async fn closed_loop(client: &reqwest::Client, make: MakeRequest, expect: u16) -> Measured {
    let counter = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let merged = Arc::new(Mutex::new(histogram()));
    let start = Instant::now();
    let measure_from = start + WARM_UP;
    let stop = measure_from + RUN_FOR;
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, make, counter, errors, merged) =
            (client.clone(), make.clone(), counter.clone(), errors.clone(), merged.clone());
        workers.push(tokio::spawn(async move {
            let mut local = histogram();
            let mut done = 0u64;
            while Instant::now() < stop {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let sent = Instant::now();
                let ok = send_one(&client, &make, n, expect).await;
                if sent < measure_from {
                    continue;
                }
                if ok {
                    let _ = local.record(sent.elapsed().as_micros() as u64);
                    done += 1;
                } else {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            merged.lock().unwrap().add(&local).unwrap();
            done
        }));
    }
    let mut total = 0;
    for w in workers {
        total += w.await.unwrap_or(0);
    }
    let h = merged.lock().unwrap();
    Measured {
        per_second: total as f64 / RUN_FOR.as_secs_f64(),
        p50_ms: h.value_at_quantile(0.5) as f64 / 1000.0,
        p99_ms: h.value_at_quantile(0.99) as f64 / 1000.0,
        errors: errors.load(Ordering::Relaxed),
    }
}

/// Open loop at a fixed rate: latency counts from when each request was due,
/// so a stalled server cannot hide its queue (no coordinated omission).
async fn fixed_rate(client: &reqwest::Client, make: MakeRequest, expect: u16, rate: u64) -> Measured {
    let merged = Arc::new(Mutex::new(histogram()));
    let errors = Arc::new(AtomicU64::new(0));
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let start = Instant::now();
    let total = (rate as f64 * RUN_FOR.as_secs_f64()) as u64;
    let mut tasks = Vec::with_capacity(total as usize);
    for n in 0..total {
        let due = start + interval * n as u32;
        tokio::time::sleep_until(due.into()).await;
        let (client, make, merged, errors) = (client.clone(), make.clone(), merged.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let ok = send_one(&client, &make, n, expect).await;
            if ok {
                let _ = merged.lock().unwrap().record(due.elapsed().as_micros() as u64);
            } else {
                errors.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let h = merged.lock().unwrap();
    Measured {
        per_second: h.len() as f64 / start.elapsed().as_secs_f64(),
        p50_ms: h.value_at_quantile(0.5) as f64 / 1000.0,
        p99_ms: h.value_at_quantile(0.99) as f64 / 1000.0,
        errors: errors.load(Ordering::Relaxed),
    }
}

/// A server process started for the run; killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    async fn start(port: u16, database_url: &str, extra_args: &[&str]) -> Server {
        let child = Command::new("target/release/vox")
            .args(extra_args)
            .env("VOX_ADDR", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ROOT", "target/site")
            .env("VOX_LOG", "warn")
            .env("VOX_API_RATE_LIMIT", "100000000")
            .env("VOX_PUBLIC_RATE_LIMIT", "100000000")
            .env("VOX_WEBHOOK_ALLOW_NETS", "127.0.0.1/32")
            .env("VOX_WEBHOOK_ALLOW_HTTP", "true")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("target/release/vox (run .ci/build.sh first)");
        let base = format!("http://127.0.0.1:{port}");
        let probe = reqwest::Client::new();
        for _ in 0..300 {
            if probe.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
                return Server { child, base };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server on port {port} did not become healthy");
    }

    fn rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio");
    runtime.block_on(run());
}

/// One database's results, plus the ceiling measured in the same run.
async fn run() {
    let started = chrono::Utc::now();
    let client = reqwest::Client::builder().pool_max_idle_per_host(CONCURRENCY * 2).build().expect("client");
    let mut report = serde_json::Map::new();
    report.insert("date".into(), json!(started.to_rfc3339()));
    report.insert("machine".into(), json!(machine()));

    // The ceiling: a trivial handler, same binary, same serving path.
    let ceiling = {
        let server = Server::start(3210, "sqlite::memory:", &["--ceiling"]).await;
        let url = format!("{}/", server.base);
        closed_loop(&client, Arc::new(move |c, _| c.get(&url)), 200).await
    };
    println!(
        "ceiling (trivial handler): {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
        ceiling.per_second, ceiling.p50_ms, ceiling.p99_ms
    );
    report.insert("ceiling".into(), ceiling.json());

    let sqlite_dir = tempdir();
    let mut targets = vec![("sqlite", format!("sqlite://{}/bench.db", sqlite_dir.display()))];
    if let Ok(pg) = std::env::var("VOX_BENCH_POSTGRES_URL") {
        targets.push(("postgres", pg));
    }
    for (name, url) in targets {
        let results = database_run(&client, &url, &ceiling).await;
        report.insert(name.into(), results);
    }

    let out = std::path::Path::new("target/bench");
    let _ = std::fs::create_dir_all(out);
    let file = out.join(format!("bench-{}.json", started.format("%Y%m%dT%H%M%S")));
    let text = serde_json::to_string_pretty(&Value::Object(report)).expect("json");
    std::fs::write(&file, &text).expect("write results");
    std::fs::write(out.join("latest.json"), &text).expect("write results");
    println!("\nresults: {}", file.display());
    let _ = std::fs::remove_dir_all(sqlite_dir);
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("vox-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn machine() -> Value {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_string()))
        .unwrap_or_default();
    json!({"cpus": cpus, "cpu": model})
}

fn row(name: &str, m: &Measured, ceiling: &Measured) {
    println!(
        "  {name:<44} {:>9.0}/s {:>6.1}% of ceiling   p50 {:>7.2} ms   p99 {:>7.2} ms   errors {}",
        m.per_second,
        m.per_second / ceiling.per_second * 100.0,
        m.p50_ms,
        m.p99_ms,
        m.errors
    );
}

async fn database_run(client: &reqwest::Client, database_url: &str, ceiling: &Measured) -> Value {
    let kind = if database_url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" };
    println!("\n== {kind} ==");
    let server = Server::start(3211, database_url, &[]).await;
    let base = server.base.clone();
    let idle_rss = server.rss_mb();
    let session = reqwest::Client::builder().cookie_store(true).build().expect("client");
    let email = format!("bench-{}@example.com", std::process::id());
    let res = session
        .post(format!("{base}/api/auth/signup"))
        .json(&json!({"email": email, "password": "a long bench password", "organizationName": "Bench"}))
        .send()
        .await
        .expect("signup");
    assert!(res.status().is_success(), "signup: {}", res.status());
    let survey: Value = session
        .post(format!("{base}/api/surveys"))
        .header("origin", &base)
        .json(&json!({"name": "Bench survey", "status": "published", "questions": [
            {"id": "q1", "type": "nps", "title": "How likely are you to recommend us?", "required": true},
            {"id": "q2", "type": "text", "title": "Why?", "multiline": true}]}))
        .send()
        .await
        .expect("survey")
        .json()
        .await
        .expect("survey json");
    let survey_id = survey["id"].as_str().expect("survey id").to_string();
    let mut out = serde_json::Map::new();

    // `VOX_BENCH_ONLY=events,overview` runs a subset (for working on one figure).
    let only = std::env::var("VOX_BENCH_ONLY").ok();
    let wanted = |name: &str| only.as_deref().is_none_or(|list| list.split(',').any(|w| w.trim() == name));
    let mut loaded_rss = idle_rss;
    if wanted("submissions") {
        // 1. Response submission through the public client API (durable insert per 201).
        let url = format!("{base}/api/client/surveys/{survey_id}/responses");
        let submit: MakeRequest = Arc::new(move |c, n| {
            c.post(&url).json(&json!({"answers": {"q1": n % 11, "q2": "Quick delivery, friendly staff"}, "metadata": {"orderId": format!("A-{n}")}}))
        });
        let load = tokio::spawn({
            let (client, submit) = (client.clone(), submit.clone());
            async move { closed_loop(&client, submit, 201).await }
        });
        tokio::time::sleep(WARM_UP + RUN_FOR / 2).await;
        loaded_rss = server.rss_mb();
        let submissions = load.await.expect("load");
        row("response submission (max)", &submissions, ceiling);
        let at_1000 = fixed_rate(client, submit.clone(), 201, 1000).await;
        row("response submission at 1,000/s", &at_1000, ceiling);
        out.insert("responseSubmission".into(), submissions.json());
        out.insert("responseSubmissionAt1000".into(), at_1000.json());

        // 4. The server-rendered survey page.
        let page_url = format!("{base}/s/{survey_id}");
        let pages = closed_loop(client, Arc::new(move |c, _| c.get(&page_url)), 200).await;
        row("survey page /s/{id}", &pages, ceiling);
        out.insert("surveyPage".into(), pages.json());

        if !database_url.starts_with("postgres") {
            out.insert("sizes".into(), sizes(&base, &survey_id).await);
        }
    }

    // 3. Webhook delivery: completions at a fixed rate to a local receiver, then a backlog drained.
    if wanted("webhooks") {
        let deliveries = webhook_delivery(client, &session, &base, &survey_id, database_url).await;
        out.insert("webhookDelivery".into(), deliveries);
    }

    // 2. Event ingestion: POST /api/events with an API token, a new transaction each time.
    if wanted("events") {
        out.insert("eventIngestion".into(), event_ingestion(client, &session, &base, ceiling).await);
    }

    // 5. The overview of a survey with 1,000,000 responses (seeded straight into the database).
    if wanted("overview") {
        out.insert("overview1M".into(), overview_of_a_million(&session, &base, database_url).await);
    }

    println!("  RSS: idle {idle_rss:.1} MB, under submission load {loaded_rss:.1} MB");
    out.insert("rssIdleMb".into(), json!(round(idle_rss)));
    out.insert("rssLoadedMb".into(), json!(round(loaded_rss)));
    Value::Object(out)
}

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
async fn webhook_delivery(
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

/// What browsers download, as the server sends it to them (compressed).
async fn sizes(base: &str, survey_id: &str) -> Value {
    let client = reqwest::Client::new();
    let size = |path: String, encoding: &'static str| {
        let client = client.clone();
        let url = format!("{base}{path}");
        async move {
            let res = client.get(&url).header("accept-encoding", encoding).send().await.expect("size request");
            res.bytes().await.map_or(0, |b| b.len())
        }
    };
    let mut out = serde_json::Map::new();
    for encoding in ["gzip", "br"] {
        let embed = size("/embed.js".into(), encoding).await;
        let first_load = [
            size(format!("/s/{survey_id}"), encoding).await,
            size("/widget.css".into(), encoding).await,
            size("/pkg/widget/boot.js".into(), encoding).await,
            size("/pkg/widget/vox_widget.js".into(), encoding).await,
            size("/pkg/widget/vox_widget_bg.wasm".into(), encoding).await,
        ];
        let total: usize = first_load.iter().sum();
        println!(
            "  sizes ({encoding}): embed.js {:.2} KB; widget first load {:.1} KB (HTML {:.1} + CSS {:.1} + JS {:.1} + wasm {:.1})",
            embed as f64 / 1024.0,
            total as f64 / 1024.0,
            first_load[0] as f64 / 1024.0,
            first_load[1] as f64 / 1024.0,
            (first_load[2] + first_load[3]) as f64 / 1024.0,
            first_load[4] as f64 / 1024.0
        );
        out.insert(
            encoding.into(),
            json!({"embedJsBytes": embed, "widgetFirstLoadBytes": total, "htmlBytes": first_load[0], "cssBytes": first_load[1],
                "jsBytes": first_load[2] + first_load[3], "wasmBytes": first_load[4]}),
        );
    }
    Value::Object(out)
}

async fn event_ingestion(client: &reqwest::Client, session: &reqwest::Client, base: &str, ceiling: &Measured) -> Value {
    let res = session
        .post(format!("{base}/api/event-types"))
        .header("origin", base)
        .json(&json!({"name": "checkout", "active": true}))
        .send()
        .await
        .expect("event type");
    assert!(res.status().is_success(), "event type: {}", res.status());
    let channels: Value =
        session.get(format!("{base}/api/channels")).send().await.expect("channels").json().await.expect("json");
    let channel = channels[0]["id"].as_str().expect("default channel").to_string();
    let token: Value = session
        .post(format!("{base}/api/tokens"))
        .header("origin", base)
        .json(&json!({"title": "bench", "scopes": ["events:write"]}))
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token json");
    let bearer = format!("Bearer {}", token["token"].as_str().expect("jwt"));
    let url = format!("{base}/api/events");
    let send: MakeRequest = Arc::new(move |c, n| {
        c.post(&url).header("authorization", &bearer).json(&json!({
            "type": "checkout", "channel": {"id": channel, "type": "vox"},
            "customer": {"email": format!("c{n}@example.com"), "firstName": "Maria"},
            "transaction": {"reference": format!("order-{n}")}, "system": "bench", "systemVersion": "1"
        }))
    });
    let measured = closed_loop(client, send, 202).await;
    row("event ingestion (max)", &measured, ceiling);
    measured.json()
}

const MILLION: i64 = 1_000_000;

/// Seeds a survey with 1,000,000 complete NPS responses over a year, then times
/// the overview (unfiltered, and filtered to detractors) through the API.
async fn overview_of_a_million(session: &reqwest::Client, base: &str, database_url: &str) -> Value {
    let survey: Value = session
        .post(format!("{base}/api/surveys"))
        .header("origin", base)
        .json(&json!({"name": "A million", "status": "published", "questions": [
            {"id": "q1", "type": "nps", "title": "How likely are you to recommend us?", "required": true}]}))
        .send()
        .await
        .expect("survey")
        .json()
        .await
        .expect("json");
    let survey_id = survey["id"].as_str().expect("id").to_string();
    let seeding = Instant::now();
    seed_responses(database_url, &survey_id, MILLION).await;
    println!("  seeded {MILLION} responses in {:.0} s", seeding.elapsed().as_secs_f64());
    let mut out = serde_json::Map::new();
    for (name, query) in
        [("unfiltered", ""), ("detractors", "?answer.q1=lte:6"), ("lastMonthByWeek", "?interval=week&from=2026-10-25")]
    {
        let url = format!("{base}/api/surveys/{survey_id}/overview{query}");
        // The first run counts every closed day into the day cache (timed on its own), then five timed runs.
        let started = Instant::now();
        let first: Value = session.get(&url).send().await.expect("overview").json().await.expect("json");
        let first_ms = started.elapsed().as_secs_f64() * 1000.0;
        assert!(first["responses"].as_i64().unwrap_or(0) > 0, "overview: {first}");
        let mut times = Vec::new();
        for _ in 0..5 {
            let started = Instant::now();
            let res = session.get(&url).send().await.expect("overview");
            assert!(res.status().is_success());
            let _ = res.bytes().await;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
        let (p50, max) = (times[times.len() / 2], times[times.len() - 1]);
        println!(
            "  overview of 1,000,000 responses, {name}: first {first_ms:.0} ms, then p50 {p50:.0} ms, max {max:.0} ms"
        );
        out.insert(
            name.into(),
            json!({"firstMs": round(first_ms), "p50Ms": round(p50), "maxMs": round(max), "responses": first["responses"]}),
        );
    }
    Value::Object(out)
}

/// Inserts `count` complete responses (and their answer rows) in large transactions.
async fn seed_responses(database_url: &str, survey_id: &str, count: i64) {
    use sqlx::Row;
    let db = app::backend::db::Db::connect(database_url).await.expect("connect for seeding");
    let org: String = sqlx::query("SELECT organization_id FROM surveys WHERE id = $1")
        .bind(survey_id)
        .fetch_one(db.pool())
        .await
        .expect("survey row")
        .get("organization_id");
    let start = chrono::Utc::now().timestamp_millis() - 365 * 86_400_000;
    let step = 365 * 86_400_000 / count;
    const BATCH: i64 = 500;
    let mut n = 0;
    while n < count {
        let mut tx = db.begin_write().await.expect("tx");
        for _ in 0..40 {
            if n >= count {
                break;
            }
            let rows = BATCH.min(count - n);
            let mut responses = String::from(
                "INSERT INTO responses (id, organization_id, survey_id, answers, metadata, hidden_fields, completed, \
                 created_at, updated_at, completed_at, answers_indexed) VALUES ",
            );
            let mut answers = String::from(
                "INSERT INTO response_answers (response_id, survey_id, question_id, num_value, created_at, completed) VALUES ",
            );
            for i in 0..rows {
                let k = n + i;
                let id = format!("rsp_bench{k:021}");
                let value = (k * 7919) % 11;
                let at = start + k * step;
                if i > 0 {
                    responses.push(',');
                    answers.push(',');
                }
                responses.push_str(&format!(
                    "('{id}', '{org}', '{survey_id}', '{{\"q1\":{value}}}', '{{}}', '{{}}', 1, {at}, {at}, {at}, 1)"
                ));
                answers.push_str(&format!("('{id}', '{survey_id}', 'q1', {value}, {at}, 1)"));
            }
            sqlx::query(&responses).execute(&mut *tx).await.expect("insert responses");
            sqlx::query(&answers).execute(&mut *tx).await.expect("insert answers");
            n += rows;
        }
        tx.commit().await.expect("commit");
    }
}
