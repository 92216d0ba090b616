//! The real `vox` binary killed with SIGKILL while it sends invitations, then
//! started again on the same database: no invitation is lost, and the only
//! possible repeat is the one message that was in flight (same Message-ID).

use crate::common::smtp::SmtpSink;
use crate::common::{fresh_database_url, TEST_SECRET};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CONTACTS: usize = 60;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The release-shaped server process, configured only through the environment.
fn start_vox(database_url: &str, port: u16, smtp_url: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_vox"))
        .env("DATABASE_URL", database_url)
        .env("VOX_ADDR", format!("127.0.0.1:{port}"))
        .env("VOX_SECRET_KEY", TEST_SECRET)
        .env("VOX_SMTP_URL", smtp_url)
        .env("VOX_INVITATION_CLAIM_SECS", "4")
        .env("VOX_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start target/debug/vox")
}

async fn wait_healthy(base: &str) {
    for _ in 0..300 {
        if reqwest::get(format!("{base}/healthz")).await.is_ok_and(|r| r.status() == StatusCode::OK) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("vox did not become healthy at {base}");
}

#[tokio::test]
async fn a_kill_9_mid_sending_loses_no_invitation() {
    // A slow mail server (40 ms a message), so the kill lands mid-way.
    let smtp = SmtpSink::start_slow(40);
    let database_url = fresh_database_url().await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut vox = start_vox(&database_url, port, &smtp.url);
    wait_healthy(&base).await;

    let client = Client::builder().cookie_store(true).build().unwrap();
    let res = client
        .post(format!("{base}/api/auth/signup"))
        .json(&json!({"email": format!("owner-{}@example.com", rand::random::<u32>()), "password": "a long password", "organizationName": "Crash"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let survey: Value = client
        .post(format!("{base}/api/surveys"))
        .json(&json!({"name": "After the crash", "status": "published",
            "questions": [{"id": "q1", "type": "nps", "title": "How likely?", "required": true}]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let survey = survey["id"].as_str().unwrap().to_string();
    let run = rand::random::<u32>();
    let emails: Vec<String> = (0..CONTACTS).map(|i| format!("c{i}-{run}@example.com")).collect();
    let contacts: Vec<Value> = emails.iter().map(|e| json!({"email": e})).collect();
    let res = client
        .post(format!("{base}/api/surveys/{survey}/distributions/quick"))
        .json(&json!({"contacts": contacts}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);

    // Kill it as soon as the first emails arrive: the rest is scheduled, claimed or in flight.
    for _ in 0..200 {
        if !smtp.messages_to(&emails[0]).await.is_empty() || !smtp.messages_to(&emails[1]).await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    vox.kill().unwrap(); // SIGKILL
    vox.wait().unwrap();
    let before: usize = count_all(&smtp, &emails).await.values().sum();
    assert!(before < CONTACTS, "the kill came too late to test anything ({before} sent)");

    let mut vox = start_vox(&database_url, port, &smtp.url);
    wait_healthy(&base).await;
    for email in &emails {
        smtp.wait_for(email, 1).await;
    }
    // Time for any wrongful second send to show up.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let counts = count_all(&smtp, &emails).await;
    let repeated: Vec<&String> = counts.iter().filter(|(_, n)| **n > 1).map(|(e, _)| e).collect();
    assert!(repeated.len() <= 1, "only the message in flight at the kill may repeat: {repeated:?}");
    for email in repeated {
        let messages = smtp.messages_to(email).await;
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0]["headers"]["Message-ID"], messages[1]["headers"]["Message-ID"]);
    }
    vox.kill().unwrap();
    vox.wait().unwrap();
}

async fn count_all(smtp: &SmtpSink, emails: &[String]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for email in emails {
        counts.insert(email.clone(), smtp.messages_to(email).await.len());
    }
    counts
}
