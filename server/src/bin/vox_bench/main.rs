//! `vox-bench`: the performance harness behind `.ci/bench.sh`.
//!
//! Starts the release server on a fresh SQLite database and then on a fresh
//! PostgreSQL database, loads it over loopback HTTP, and prints a table plus
//! JSON (written under `target/bench/`). Every run also measures a ceiling:
//! the same load generator against `vox --ceiling`, a trivial handler served
//! by the same binary the same way, so each figure is reported both absolute
//! and as a share of what this machine can do at all.

use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod load;
mod overview;
mod webhooks;

use load::{closed_loop, fixed_rate, histogram, round, MakeRequest, Measured, CONCURRENCY, RUN_FOR, WARM_UP};
use overview::overview_of_a_million;
use webhooks::webhook_delivery;

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
            let every_type = every_type_survey(&session, &base).await;
            out.insert("sizes".into(), sizes(&base, &survey_id, &every_type).await);
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

/// A published survey with one question of every type: the widget's largest page.
async fn every_type_survey(session: &reqwest::Client, base: &str) -> String {
    let choices =
        json!([{"id": "a", "label": "Apples"}, {"id": "b", "label": "Bananas"}, {"id": "c", "label": "Cherries"}]);
    let pictures = json!([{"id": "a", "label": "Red", "imageUrl": "https://example.com/a.png"},
                          {"id": "b", "label": "Blue", "imageUrl": "https://example.com/b.png"}]);
    let questions = json!([
        {"id": "q1", "type": "nps", "title": "How likely are you to recommend us?", "required": true},
        {"id": "q2", "type": "rating", "title": "Rate the food", "scale": 5, "style": "stars"},
        {"id": "q3", "type": "csat", "title": "How satisfied are you?"},
        {"id": "q4", "type": "single_choice", "title": "One", "choices": choices, "allowOther": true},
        {"id": "q5", "type": "multiple_choice", "title": "Many", "choices": choices},
        {"id": "q6", "type": "dropdown", "title": "Store", "choices": choices, "allowOther": true},
        {"id": "q7", "type": "picture_choice", "title": "Look", "choices": pictures, "multiple": true},
        {"id": "q8", "type": "ranking", "title": "Order", "choices": choices, "rankCount": 2},
        {"id": "q9", "type": "matrix", "title": "Grid", "rows": [{"id": "r1", "label": "Food"}, {"id": "r2", "label": "Staff"}],
         "columns": [{"id": "good", "label": "Good"}, {"id": "bad", "label": "Bad"}]},
        {"id": "q10", "type": "text", "title": "Why?", "multiline": true},
        {"id": "q11", "type": "email", "title": "Email"},
        {"id": "q12", "type": "number", "title": "Spent", "min": 0, "step": 0.5, "unit": "€"},
        {"id": "q13", "type": "date", "title": "When", "min": "2026-01-01"},
        {"id": "q14", "type": "contact_info", "title": "You"},
        {"id": "q15", "type": "address", "title": "Where"},
        {"id": "q16", "type": "consent", "title": "Terms", "label": "I agree"},
        {"id": "q17", "type": "statement", "title": "News", "buttonLabel": "Read", "buttonUrl": "https://example.com/news"}
    ]);
    let survey: Value = session
        .post(format!("{base}/api/surveys"))
        .header("origin", base)
        .json(&json!({"name": "Every type", "status": "published", "questions": questions}))
        .send()
        .await
        .expect("every-type survey")
        .json()
        .await
        .expect("every-type survey json");
    survey["id"].as_str().expect("every-type survey id").to_string()
}

/// What browsers download, as the server sends it to them (compressed): the
/// first load of the bench survey's page (classic types), and of a survey
/// using every type: its first load (the page, the styles, the scripts and the
/// main wasm) and, once every control's chunk has arrived, the whole widget.
async fn sizes(base: &str, survey_id: &str, every_type: &str) -> Value {
    let client = reqwest::Client::new();
    let fetch = |path: String, encoding: &'static str| {
        let client = client.clone();
        let url = format!("{base}{path}");
        async move {
            let res = client.get(&url).header("accept-encoding", encoding).send().await.expect("size request");
            assert!(res.status().is_success(), "{url}: {}", res.status());
            res.bytes().await.expect("size body")
        }
    };
    let size = |path: String, encoding: &'static str| {
        let fetch = &fetch;
        async move { fetch(path, encoding).await.len() }
    };
    let mut out = serde_json::Map::new();
    for encoding in ["gzip", "br"] {
        let embed = size("/embed.js".into(), encoding).await;
        let css = size("/widget.css".into(), encoding).await;
        let js = size("/pkg/widget/boot.js".into(), encoding).await
            + size("/pkg/widget/vox_widget.js".into(), encoding).await;
        let wasm = size("/pkg/widget/vox_widget_bg.wasm".into(), encoding).await;
        // The every-type bundle is split: its loader names the chunks.
        let every = "/pkg/widget/every-type";
        let every_js = size(format!("{every}/boot.js"), encoding).await
            + size(format!("{every}/vox_widget.js"), encoding).await
            + size(format!("{every}/__wasm_split.js"), encoding).await;
        let every_wasm = size(format!("{every}/vox_widget_bg.wasm"), encoding).await;
        let loader = fetch(format!("{every}/__wasm_split.js"), "identity").await;
        let mut every_chunks = 0;
        for chunk in chunk_files(&String::from_utf8_lossy(&loader)) {
            every_chunks += size(format!("{every}/{chunk}"), encoding).await;
        }
        let html = size(format!("/s/{survey_id}"), encoding).await;
        let every_html = size(format!("/s/{every_type}"), encoding).await;
        let total = html + css + js + wasm;
        let every_first = every_html + css + every_js + every_wasm;
        let every_total = every_first + every_chunks;
        let kb = |bytes: usize| bytes as f64 / 1024.0;
        println!(
            "  sizes ({encoding}): embed.js {:.2} KB; widget first load {:.1} KB (HTML {:.1} + CSS {:.1} + JS {:.1} + wasm {:.1}); \
             every type: first load {:.1} KB (HTML {:.1} + JS {:.1} + wasm {:.1}), whole {:.1} KB (+ chunks {:.1})",
            kb(embed), kb(total), kb(html), kb(css), kb(js), kb(wasm),
            kb(every_first), kb(every_html), kb(every_js), kb(every_wasm), kb(every_total), kb(every_chunks)
        );
        out.insert(
            encoding.into(),
            json!({"embedJsBytes": embed, "widgetFirstLoadBytes": total, "htmlBytes": html, "cssBytes": css,
                "jsBytes": js, "wasmBytes": wasm,
                "widgetEveryTypeFirstLoadBytes": every_first, "widgetEveryTypeBytes": every_total,
                "everyTypeHtmlBytes": every_html, "everyTypeJsBytes": every_js, "everyTypeWasmBytes": every_wasm,
                "everyTypeChunkBytes": every_chunks}),
        );
    }
    Value::Object(out)
}

/// The chunk files a split bundle's loader fetches (`"./<name>.wasm"`).
fn chunk_files(loader: &str) -> Vec<String> {
    let mut files: Vec<String> = loader
        .split(['"', '\'', '`'])
        .filter_map(|part| part.strip_prefix("./").filter(|name| name.ends_with(".wasm")))
        .map(str::to_string)
        .collect();
    files.sort();
    files.dedup();
    files
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
    let channel = channels["data"][0]["id"].as_str().expect("default channel").to_string();
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
