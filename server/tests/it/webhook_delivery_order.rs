//! Webhook delivery across batches and replicas: each delivery is sent once,
//! and an endpoint's deliveries leave in the order they were made.

use crate::common;
use crate::common::receiver::Receiver;
use crate::common::spawn_app;
use crate::common::webhooks::{answer, survey_webhook};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn two_replicas_share_the_work_without_sending_twice() {
    let a = spawn_app().await;
    let b = common::spawn_replica(&a).await;
    let owner = a.signed_in("Clinic").await;
    let survey = a.published_survey(&owner).await;
    let receiver = Receiver::start(&[]).await;
    survey_webhook(&a, &owner, &survey, &receiver.url, json!(["survey.response.completed"])).await;
    let mut ids = Vec::new();
    for i in 0..30 {
        let server = if i % 2 == 0 { &a } else { &b };
        ids.push(answer(server, &survey, i % 11).await);
    }
    receiver.wait_for(30).await;
    // Give both workers time to make any duplicate they would make.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got = receiver.received();
    let webhook_ids: std::collections::HashSet<String> = got.iter().map(|r| r.header("webhook-id")).collect();
    assert_eq!(got.len(), 30, "each delivery sent exactly once");
    assert_eq!(webhook_ids.len(), 30);
    let delivered: std::collections::HashSet<String> =
        got.iter().map(|r| r.json()["data"]["id"].as_str().unwrap().to_string()).collect();
    assert!(ids.iter().all(|id| delivered.contains(id)));
}

/// Deliveries are claimed (and recorded) fifty at a time; they still leave in
/// the order they were made.
#[tokio::test]
async fn a_backlog_goes_out_in_order_of_creation_across_batches() {
    let app = spawn_app().await;
    let owner = app.signed_in("Clinic").await;
    let survey = app.published_survey(&owner).await;
    // The first request is answered slowly, so the responses below queue up
    // behind it and are claimed in batches rather than one by one.
    let receiver = Receiver::slow_first(Duration::from_millis(1000)).await;
    survey_webhook(&app, &owner, &survey, &receiver.url, json!(["survey.response.completed"])).await;
    let mut ids = Vec::new();
    for i in 0..120 {
        ids.push(answer(&app, &survey, i % 11).await);
    }
    let got = receiver.wait_for(120).await;
    let delivered: Vec<String> = got.iter().map(|r| r.json()["data"]["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(delivered, ids, "each response's delivery once, in order");
}
