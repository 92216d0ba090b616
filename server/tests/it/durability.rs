//! Durability: the real server binary is killed with SIGKILL in the middle of
//! a stream of completions and restarted, and every completion it accepted is
//! still delivered; group commit keeps exactly the writes it acknowledged.

use crate::common::receiver::Receiver;
use crate::common::{fresh_database_url, TEST_SECRET};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start(port: u16, database_url: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_vox"))
        .env("VOX_ADDR", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", database_url)
        .env("VOX_SECRET_KEY", TEST_SECRET)
        .env("VOX_WEBHOOK_ALLOW_NETS", "127.0.0.1/32")
        .env("VOX_WEBHOOK_ALLOW_HTTP", "true")
        .env("VOX_WEBHOOK_RETRY_SCHEDULE", "1,1,1,1,1")
        // The killed process's endpoint lease (timeout + 5 s) must lapse before the restart takes over.
        .env("VOX_WEBHOOK_TIMEOUT_MS", "2000")
        .env("VOX_PUBLIC_RATE_LIMIT", "100000")
        .env("VOX_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the vox binary")
}

async fn wait_healthy(base: &str) {
    for _ in 0..200 {
        if let Ok(r) = reqwest::get(format!("{base}/healthz")).await {
            if r.status() == StatusCode::OK {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}

/// Signs up, creates a published survey and a webhook to a new receiver for
/// its completions; returns the survey id and the receiver.
async fn survey_with_receiver(base: &str, email: &str) -> (String, Receiver) {
    let owner = Client::builder().cookie_store(true).build().unwrap();
    let res = owner
        .post(format!("{base}/api/auth/signup"))
        .json(&json!({"email": email, "password": "a long password", "organizationName": "Durable"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let survey: Value = owner
        .post(format!("{base}/api/surveys"))
        .json(&json!({"name": "S", "status": "published", "questions": [{"id": "q1", "type": "nps", "title": "?"}]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let survey = survey["id"].as_str().unwrap().to_string();
    let receiver = Receiver::start(&[]).await;
    let res = owner
        .post(format!("{base}/api/surveys/{survey}/webhooks"))
        .json(&json!({"name": "r", "url": receiver.url, "events": ["survey.response.completed"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    (survey, receiver)
}

#[tokio::test]
async fn a_killed_server_loses_no_accepted_completion() {
    let database_url = fresh_database_url().await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(port, &database_url);
    wait_healthy(&base).await;

    let (survey, receiver) = survey_with_receiver(&base, "durable@example.com").await;

    let visitor = Client::new();
    let mut accepted = Vec::new();
    for i in 0..80 {
        if i == 40 {
            // SIGKILL: no graceful shutdown, whatever was in flight is cut.
            server.kill().unwrap();
            server.wait().unwrap();
            server = start(port, &database_url);
            wait_healthy(&base).await;
        }
        let sent = visitor
            .post(format!("{base}/api/client/surveys/{survey}/responses"))
            .json(&json!({"answers": {"q1": i % 11}}))
            .send()
            .await;
        if let Ok(res) = sent {
            if res.status() == StatusCode::CREATED {
                accepted.push(res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string());
            }
        }
        if i == 38 {
            // Let a few deliveries be in flight when the kill comes.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    assert!(accepted.len() >= 70, "most submissions are accepted ({})", accepted.len());

    let mut delivered = HashSet::new();
    for _ in 0..600 {
        delivered = receiver.received().iter().map(|r| r.json()["data"]["id"].as_str().unwrap().to_string()).collect();
        if accepted.iter().all(|id| delivered.contains(id)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let missing: Vec<_> = accepted.iter().filter(|id| !delivered.contains(*id)).collect();
    server.kill().ok();
    server.wait().ok();
    assert!(missing.is_empty(), "accepted but never delivered: {missing:?}");
}

#[tokio::test]
async fn two_server_processes_send_each_delivery_once() {
    let database_url = fresh_database_url().await;
    let (port_a, port_b) = (free_port(), free_port());
    let mut a = start(port_a, &database_url);
    let base_a = format!("http://127.0.0.1:{port_a}");
    wait_healthy(&base_a).await;
    // The second process starts on the migrated database.
    let mut b = start(port_b, &database_url);
    let base_b = format!("http://127.0.0.1:{port_b}");
    wait_healthy(&base_b).await;

    let (survey, receiver) = survey_with_receiver(&base_a, "twice@example.com").await;

    let visitor = Client::new();
    let mut accepted = Vec::new();
    for i in 0..40 {
        let base = if i % 2 == 0 { &base_a } else { &base_b };
        let res = visitor
            .post(format!("{base}/api/client/surveys/{survey}/responses"))
            .json(&json!({"answers": {"q1": i % 11}}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        accepted.push(res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string());
    }
    receiver.wait_for(40).await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let got = receiver.received();
    a.kill().ok();
    b.kill().ok();
    a.wait().ok();
    b.wait().ok();
    let ids: HashSet<String> = got.iter().map(|r| r.header("webhook-id")).collect();
    assert_eq!(got.len(), 40, "no attempt made twice");
    assert_eq!(ids.len(), 40);
    let delivered: HashSet<String> = got.iter().map(|r| r.json()["data"]["id"].as_str().unwrap().to_string()).collect();
    assert!(accepted.iter().all(|id| delivered.contains(id)));
}

/// Group commit: concurrent writes share transactions; each caller hears
/// "done" only for writes that committed, and a write that fails (by its own
/// error or a constraint of the database) rolls back alone.
#[tokio::test]
async fn shared_transactions_keep_every_accepted_write_and_none_of_a_failed_one() {
    use app::backend::group_commit::GroupCommit;
    use app::domain::AppError;
    let db = app::backend::db::Db::connect(&fresh_database_url().await).await.unwrap();
    sqlx::query("CREATE TABLE group_commit_probe (k BIGINT PRIMARY KEY)").execute(db.pool()).await.unwrap();
    let writes = GroupCommit::start(db.clone());
    let mut tasks = Vec::new();
    for k in 0..300i64 {
        let writes = writes.clone();
        tasks.push(tokio::spawn(async move {
            let outcome = writes
                .write(move |tx| {
                    Box::pin(async move {
                        let insert = |k: i64| sqlx::query("INSERT INTO group_commit_probe (k) VALUES ($1)").bind(k);
                        insert(k).execute(&mut *tx).await.map_err(|e| AppError::field("k", e.to_string()))?;
                        match k % 10 {
                            // Fails after writing: its row must not survive.
                            3 => Err(AppError::field("k", "refused after the insert")),
                            // A constraint error inside the shared transaction (PostgreSQL would
                            // abort the whole transaction without the savepoint).
                            7 => {
                                insert(k).execute(&mut *tx).await.map_err(|e| AppError::field("k", e.to_string()))?;
                                Ok(k)
                            }
                            _ => Ok(k),
                        }
                    })
                })
                .await;
            (k, outcome)
        }));
    }
    let mut accepted = HashSet::new();
    for task in tasks {
        let (k, outcome) = task.await.unwrap();
        match outcome {
            Ok(value) => {
                assert_eq!(value, k);
                accepted.insert(k);
            }
            Err(AppError::Validation { .. }) => assert!(k % 10 == 3 || k % 10 == 7, "{k} failed"),
            Err(other) => panic!("{k}: {other:?}"),
        }
    }
    let stored: HashSet<i64> = sqlx::query_scalar::<_, i64>("SELECT k FROM group_commit_probe")
        .fetch_all(db.pool())
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(accepted.len(), 240);
    assert_eq!(stored, accepted);
    assert!(writes.largest_batch() > 1, "every write had a transaction of its own");
}

/// Two replicas' writers on one database batch jobs that report to the same
/// two webhook endpoints and advance their delivery counters, a third of
/// them in the opposite order. Batches take the counters first, in one order, so no two batches
/// wait on each other in a circle: no batch is rolled back (a deadlock the
/// database broke would show as a replayed batch), and each counter counts
/// every committed advance exactly once.
#[tokio::test]
async fn replicas_batching_writes_take_delivery_counters_in_one_order() {
    use app::backend::group_commit::{Audience, GroupCommit};
    use app::domain::AppError;
    let url = fresh_database_url().await;
    let (one, two) =
        (app::backend::db::Db::connect(&url).await.unwrap(), app::backend::db::Db::connect(&url).await.unwrap());
    sqlx::query("INSERT INTO organizations (id, name, created_at) VALUES ('org_counters', 'Counters', 0)")
        .execute(one.pool())
        .await
        .unwrap();
    for endpoint in ["whe_a", "whe_b"] {
        sqlx::query(
            "INSERT INTO webhook_endpoints (id, organization_id, name, url, events, enabled, thin_payload, \
             secret_sealed, created_at, updated_at) VALUES ($1, 'org_counters', $1, 'https://example.com/', '*', 1, 0, 'x', 0, 0)",
        )
        .bind(endpoint)
        .execute(one.pool())
        .await
        .unwrap();
    }
    let replicas = [GroupCommit::start(one.clone()), GroupCommit::start(two)];
    let mut tasks = Vec::new();
    for k in 0..300usize {
        let writes = replicas[k % 2].clone();
        let order = if k % 3 == 0 { ["whe_b", "whe_a"] } else { ["whe_a", "whe_b"] };
        tasks.push(tokio::spawn(async move {
            let audience = Audience { organization_id: "org_counters".into(), survey_id: None };
            writes
                .write_reporting(audience, move |tx, subscribers| {
                    Box::pin(async move {
                        let given: Vec<&str> = subscribers.iter().map(|s| s.endpoint_id()).collect();
                        if given != ["whe_a", "whe_b"] {
                            return Err(AppError::field("subscribers", format!("given {given:?}")));
                        }
                        for endpoint in order {
                            sqlx::query("UPDATE webhook_endpoints SET last_sequence = last_sequence + 1 WHERE id = $1")
                                .bind(endpoint)
                                .execute(&mut *tx)
                                .await
                                .map_err(|e| AppError::field("endpoint", e.to_string()))?;
                            // Widens the window in which another batch could take the other counter.
                            tokio::time::sleep(Duration::from_millis(1)).await;
                        }
                        Ok(())
                    })
                })
                .await
        }));
    }
    for task in tasks {
        task.await.unwrap().expect("every write commits");
    }
    let counts: Vec<i64> = sqlx::query_scalar("SELECT last_sequence FROM webhook_endpoints ORDER BY id")
        .fetch_all(one.pool())
        .await
        .unwrap();
    assert_eq!(counts, vec![300, 300]);
    assert_eq!(replicas[0].replayed_batches() + replicas[1].replayed_batches(), 0, "a batch was rolled back");
    assert!(replicas.iter().any(|r| r.largest_batch() > 1), "the writes did not share transactions");
}
