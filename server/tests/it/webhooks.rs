//! Webhooks end to end: a real receiver, signatures checked by the reference
//! Standard Webhooks library, retries, 410, timeouts, the SSRF guard, both
//! API families, and isolation between organisations.

use crate::common;
use crate::common::receiver::Receiver;
use crate::common::webhooks::{answer, survey_webhook};
use crate::common::{create_token, expect_problem, plain_client, problem_fields, spawn_app, spawn_app_with, TestApp};
use hmac::{Hmac, Mac};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sha2::Sha256;
use std::time::Duration;

/// The newest delivery of a survey webhook, with its attempts.
async fn latest_delivery(app: &TestApp, owner: &Client, survey: &str, hook_id: &str) -> Value {
    let base = format!("/api/surveys/{survey}/webhooks/{hook_id}/deliveries");
    let list: Value = owner.get(app.url(&base)).send().await.unwrap().json().await.unwrap();
    let id = list["data"][0]["id"].as_str().expect("a delivery");
    owner.get(app.url(&format!("{base}/{id}"))).send().await.unwrap().json().await.unwrap()
}

pub(super) fn verify_with_reference_library(secret: &str, r: &common::receiver::Received) {
    use std::io::Write;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/verify_standard_webhook.py");
    let mut child = std::process::Command::new("python3")
        .args([script, secret, &r.header("webhook-id"), &r.header("webhook-timestamp"), &r.header("webhook-signature")])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    child.stdin.take().unwrap().write_all(&r.body).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "standardwebhooks refused the delivery: {}", String::from_utf8_lossy(&out.stderr));
}

pub(super) fn hex_hmac(key: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(body);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn completions_are_delivered_signed_both_ways() {
    let app = spawn_app().await;
    let owner = app.signed_in("Clinic").await;
    let survey = app.published_survey(&owner).await;
    let receiver = Receiver::start(&[]).await;
    let hook = survey_webhook(&app, &owner, &survey, &receiver.url, json!(["survey.response_completed"])).await;
    let secret = hook["secret"].as_str().expect("a generated secret, shown once").to_string();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(hook["events"], json!(["survey.response.completed"]));
    assert_eq!(hook["isActive"], true);

    let response_id = answer(&app, &survey, 9).await;
    let got = receiver.wait_for(1).await;
    let r = &got[0];
    let body = r.json();
    assert_eq!(body["type"], "survey.response.completed");
    assert_eq!(body["data"]["id"], response_id.as_str());
    assert_eq!(body["data"]["answers"]["q1"], 9);
    assert_eq!(body["data"]["metadata"]["orderId"], "A-1042");
    assert!(body["timestamp"].is_string());
    assert!(r.header("webhook-id").starts_with("del_"));
    verify_with_reference_library(&secret, r);
    use base64::Engine;
    let key = base64::engine::general_purpose::STANDARD.decode(secret.trim_start_matches("whsec_")).unwrap();
    assert_eq!(r.header("x-vox-signature"), hex_hmac(&key, &r.body));

    // Only the subscribed event was sent, and the secret is never shown again.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 1);
    let listed: Value =
        owner.get(app.url(&format!("/api/surveys/{survey}/webhooks"))).send().await.unwrap().json().await.unwrap();
    assert!(listed["data"][0].get("secret").is_none());

    let deliveries: Value = owner
        .get(app.url(&format!(
            "/api/surveys/{survey}/webhooks/{}/deliveries?status=delivered",
            hook["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(deliveries["meta"]["total"], 1);
    assert_eq!(deliveries["data"][0]["httpStatus"], 200);
    assert_eq!(deliveries["data"][0]["attemptCount"], 1);
}

#[tokio::test]
async fn a_chosen_secret_signs_too() {
    let app = spawn_app().await;
    let owner = app.signed_in("Clinic").await;
    let survey = app.published_survey(&owner).await;
    let receiver = Receiver::start(&[]).await;
    let res = owner
        .post(app.url(&format!("/api/surveys/{survey}/webhooks")))
        .json(&json!({"name": "HIS", "url": receiver.url, "events": ["*"], "secret": "your-webhook-secret", "isActive": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(res.json::<Value>().await.unwrap().get("secret").is_none(), "a chosen secret is not echoed");
    answer(&app, &survey, 3).await;
    let got = receiver.wait_for(2).await; // created + completed, both subscribed through "*"
    let types: Vec<String> = got.iter().map(|r| r.json()["type"].as_str().unwrap().to_string()).collect();
    assert_eq!(types, vec!["survey.response.created", "survey.response.completed"], "in order of creation");
    for r in &got {
        assert_eq!(r.header("x-vox-signature"), hex_hmac(b"your-webhook-secret", &r.body));
        use base64::Engine;
        let as_std = format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode("your-webhook-secret"));
        verify_with_reference_library(&as_std, r);
    }
}

#[tokio::test]
async fn failures_are_retried_with_the_same_id_until_delivered() {
    let app = spawn_app().await;
    let owner = app.signed_in("Clinic").await;
    let survey = app.published_survey(&owner).await;
    let receiver = Receiver::start(&[500, 503]).await;
    let hook = survey_webhook(&app, &owner, &survey, &receiver.url, json!(["survey.response.completed"])).await;
    answer(&app, &survey, 7).await;
    let got = receiver.wait_for(3).await;
    let ids: Vec<String> = got.iter().map(|r| r.header("webhook-id")).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "one webhook-id across retries: {ids:?}");
    assert_eq!(got[0].body, got[2].body, "the same payload every time");
    let hook_id = hook["id"].as_str().unwrap();
    let mut delivery = Value::Null;
    for _ in 0..50 {
        let list: Value = owner
            .get(app.url(&format!("/api/surveys/{survey}/webhooks/{hook_id}/deliveries")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        delivery = list["data"][0].clone();
        if delivery["status"] == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(delivery["status"], "delivered");
    assert_eq!(delivery["attemptCount"], 3);
    let detail: Value =
        owner
            .get(app.url(&format!(
                "/api/surveys/{survey}/webhooks/{hook_id}/deliveries/{}",
                delivery["id"].as_str().unwrap()
            )))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let attempts = detail["attempts"].as_array().unwrap();
    assert_eq!(attempts.iter().map(|a| a["httpStatus"].as_i64().unwrap()).collect::<Vec<_>>(), vec![500, 503, 200]);
    assert_eq!(attempts[0]["responseExcerpt"], "thanks");
    assert!(detail["payload"].as_str().unwrap().contains("survey.response.completed"));
}

#[tokio::test]
async fn gone_disables_the_endpoint_and_timeouts_are_recorded() {
    let app = spawn_app().await;
    let owner = app.signed_in("Clinic").await;
    let survey = app.published_survey(&owner).await;
    let gone = Receiver::start(&[410]).await;
    let slow = Receiver::hanging(Duration::from_secs(5)).await;
    let gone_hook = survey_webhook(&app, &owner, &survey, &gone.url, json!(["survey.response.completed"])).await;
    let slow_hook = survey_webhook(&app, &owner, &survey, &slow.url, json!(["survey.response.completed"])).await;
    answer(&app, &survey, 5).await;
    gone.wait_for(1).await;
    let gone_id = gone_hook["id"].as_str().unwrap();
    let mut state = Value::Null;
    for _ in 0..50 {
        state = owner
            .get(app.url(&format!("/api/surveys/{survey}/webhooks/{gone_id}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if state["isActive"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(state["isActive"], false);
    assert!(state["disabledReason"].as_str().unwrap().contains("410"));
    // A dead endpoint does not hold back the others; the slow one times out and is retried.
    slow.wait_for(2).await;
    let slow_id = slow_hook["id"].as_str().unwrap();
    let detail = latest_delivery(&app, &owner, &survey, slow_id).await;
    assert!(detail["attempts"][0]["error"].as_str().unwrap().contains("timed out"), "{detail}");
}

#[tokio::test]
async fn the_ssrf_guard_refuses_inside_addresses() {
    let app = spawn_app_with(|c| {
        c.webhook_allow_nets.clear();
        c.webhook_allow_http = false;
    })
    .await;
    let owner = app.signed_in("Clinic").await;
    let survey = app.published_survey(&owner).await;
    for url in [
        "http://hooks.example.com/x",
        "https://127.0.0.1/x",
        "https://10.0.0.8/x",
        "https://169.254.169.254/latest",
        "https://[::ffff:127.0.0.1]/x",
        "https://localhost/x",
    ] {
        let res = owner
            .post(app.url(&format!("/api/surveys/{survey}/webhooks")))
            .json(&json!({"name": "x", "url": url, "events": ["*"]}))
            .send()
            .await
            .unwrap();
        let problem = expect_problem(res, 422).await;
        assert_eq!(problem_fields(&problem), vec!["url"], "{url}");
    }
    let res = owner
        .post(app.url("/api/integrations/webhooks"))
        .json(&json!({"url": "https://127.0.0.1/x", "events": ["*"]}))
        .send()
        .await
        .unwrap();
    expect_problem(res, 422).await;
    let res = owner
        .post(app.url("/api/integrations/webhooks"))
        .json(&json!({"url": "https://hooks.example.com/x", "events": ["nope"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["events[0]"]);
}

#[tokio::test]
async fn webhooks_are_scoped_and_need_their_scopes() {
    let app = spawn_app().await;
    let alice = app.signed_in("Alice").await;
    let bob = app.signed_in("Bob").await;
    let survey = app.published_survey(&alice).await;
    let hook = survey_webhook(&app, &alice, &survey, "http://127.0.0.1:9/hook", json!(["*"])).await;
    let id = hook["id"].as_str().unwrap();
    let (_, bobs) = create_token(&app, &bob, &["webhooks:read", "webhooks:write"]).await;
    for path in [
        format!("/api/surveys/{survey}/webhooks"),
        format!("/api/surveys/{survey}/webhooks/{id}"),
        format!("/api/integrations/webhooks/{id}"),
    ] {
        expect_problem(plain_client().get(app.url(&path)).bearer_auth(&bobs).send().await.unwrap(), 404).await;
    }
    expect_problem(
        plain_client()
            .delete(app.url(&format!("/api/surveys/{survey}/webhooks/{id}")))
            .bearer_auth(&bobs)
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    let (_, alice_read) = create_token(&app, &alice, &["webhooks:read"]).await;
    let res = plain_client()
        .delete(app.url(&format!("/api/surveys/{survey}/webhooks/{id}")))
        .bearer_auth(&alice_read)
        .send()
        .await
        .unwrap();
    assert!(expect_problem(res, 403).await["detail"].as_str().unwrap().contains("webhooks:write"));
    // A survey webhook is not reachable through the organisation family, and the other way round.
    expect_problem(alice.get(app.url(&format!("/api/integrations/webhooks/{id}"))).send().await.unwrap(), 404).await;
    assert_eq!(
        alice.get(app.url(&format!("/api/surveys/{survey}/webhooks/{id}"))).send().await.unwrap().status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn redirects_are_not_followed_but_retried() {
    let app = spawn_app().await;
    let owner = app.signed_in("Clinic").await;
    let survey = app.published_survey(&owner).await;
    let receiver = Receiver::start(&[302]).await;
    let hook = survey_webhook(&app, &owner, &survey, &receiver.url, json!(["survey.response.completed"])).await;
    answer(&app, &survey, 4).await;
    receiver.wait_for(2).await;
    let hook_id = hook["id"].as_str().unwrap();
    let detail = latest_delivery(&app, &owner, &survey, hook_id).await;
    assert_eq!(detail["attempts"][0]["httpStatus"], 302);
}

#[tokio::test]
async fn continuing_a_response_emits_updated_then_completed() {
    let app = spawn_app().await;
    let owner = app.signed_in("Clinic").await;
    let survey = app.published_survey(&owner).await;
    let receiver = Receiver::start(&[]).await;
    survey_webhook(&app, &owner, &survey, &receiver.url, json!(["*"])).await;
    let created: Value = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
        .json(&json!({"answers": {"q1": 6}, "completed": false}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (id, token) = (created["id"].as_str().unwrap(), created["responseToken"].as_str().unwrap());
    let res = app
        .client()
        .patch(app.url(&format!("/api/client/responses/{id}")))
        .bearer_auth(token)
        .json(&json!({"completed": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let got = receiver.wait_for(3).await;
    let types: Vec<String> = got.iter().map(|r| r.json()["type"].as_str().unwrap().to_string()).collect();
    assert_eq!(types, vec!["survey.response.created", "survey.response.updated", "survey.response.completed"]);
    assert_eq!(got[2].json()["data"]["completed"], true);
}

#[tokio::test]
async fn disabling_fails_what_was_queued_and_refuses_tests() {
    let app = spawn_app().await;
    let owner = app.signed_in("Clinic").await;
    let survey = app.published_survey(&owner).await;
    let receiver = Receiver::start(&[500, 500, 500, 500]).await;
    let hook = survey_webhook(&app, &owner, &survey, &receiver.url, json!(["survey.response.completed"])).await;
    let id = hook["id"].as_str().unwrap();
    answer(&app, &survey, 2).await;
    receiver.wait_for(1).await;
    let res = owner
        .patch(app.url(&format!("/api/surveys/{survey}/webhooks/{id}")))
        .json(&json!({"isActive": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let list: Value = owner
        .get(app.url(&format!("/api/surveys/{survey}/webhooks/{id}/deliveries")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["data"][0]["status"], "failed", "nothing stays queued for a disabled endpoint");
    let problem = expect_problem(
        owner.post(app.url(&format!("/api/surveys/{survey}/webhooks/{id}/test"))).send().await.unwrap(),
        409,
    )
    .await;
    assert_eq!(problem["code"], "webhook_disabled");
    let delivery = list["data"][0]["id"].as_str().unwrap();
    let retry = owner
        .post(app.url(&format!("/api/surveys/{survey}/webhooks/{id}/deliveries/{delivery}/retry")))
        .send()
        .await
        .unwrap();
    assert_eq!(expect_problem(retry, 409).await["code"], "webhook_disabled");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(receiver.received().len(), 1, "no more attempts after disabling");
}

#[tokio::test]
async fn publishing_and_closing_are_announced() {
    let app = spawn_app().await;
    let owner = app.signed_in("Clinic").await;
    let receiver = Receiver::start(&[]).await;
    let res = owner
        .post(app.url("/api/integrations/webhooks"))
        .json(&json!({"url": receiver.url, "events": ["survey.published", "survey.closed"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let survey = app.published_survey(&owner).await;
    owner.patch(app.url(&format!("/api/surveys/{survey}"))).json(&json!({"status": "closed"})).send().await.unwrap();
    let got = receiver.wait_for(2).await;
    let events: Vec<(String, String)> = got
        .iter()
        .map(|r| (r.json()["type"].as_str().unwrap().to_string(), r.json()["data"]["id"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(events, vec![("survey.published".to_string(), survey.clone()), ("survey.closed".to_string(), survey)]);
}

#[tokio::test]
async fn a_survey_reaching_its_closing_time_announces_it_once() {
    let app = spawn_app().await;
    let owner = app.signed_in("Clinic").await;
    let receiver = Receiver::start(&[]).await;
    let res = owner
        .post(app.url("/api/integrations/webhooks"))
        .json(&json!({"url": receiver.url, "events": ["survey.closed"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let soon = (chrono::Utc::now() + chrono::Duration::milliseconds(300)).to_rfc3339();
    let res = owner
        .post(app.url("/api/surveys"))
        .json(&json!({"name": "Short-lived", "status": "published", "closesAt": soon,
            "questions": [{"id": "q1", "type": "csat", "title": "Happy?"}]}))
        .send()
        .await
        .unwrap();
    let survey = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    tokio::time::sleep(Duration::from_millis(400)).await;
    // Several visits notice at once; the status is recorded and announced once.
    let visits = (0..4).map(|_| app.client().get(app.url(&format!("/s/{survey}"))).send());
    for res in futures::future::join_all(visits).await {
        assert!(res.unwrap().text().await.unwrap().contains("This survey is closed"));
    }
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].json()["data"]["id"], survey.as_str());
    let stored: Value =
        owner.get(app.url(&format!("/api/surveys/{survey}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(stored["status"], "closed");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 1, "announced exactly once");
}
