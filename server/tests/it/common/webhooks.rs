//! Helpers shared by the webhook tests.

use super::TestApp;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// Subscribes a survey webhook for `events` to `url`.
pub async fn survey_webhook(app: &TestApp, owner: &Client, survey: &str, url: &str, events: Value) -> Value {
    let res = owner
        .post(app.url(&format!("/api/surveys/{survey}/webhooks")))
        .json(&json!({"name": "CRM", "url": url, "events": events}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

/// Submits a completed response scoring `score`; returns its id.
pub async fn answer(app: &TestApp, survey: &str, score: i64) -> String {
    let res = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
        .json(&json!({"answers": {"q1": score}, "metadata": {"orderId": "A-1042"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}
