//! Organisation-wide webhooks (`/api/integrations/webhooks`): the
//! integration family's snake_case shape over the same engine as a survey's
//! webhooks (README "Webhooks").

use super::webhooks::{hex_hmac, verify_with_reference_library};
use crate::common::receiver::Receiver;
use crate::common::webhooks::answer;
use crate::common::{expect_problem, spawn_app};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn organisation_webhooks_in_the_integration_family_shape() {
    let app = spawn_app().await;
    let owner = app.signed_in("Clinic").await;
    let survey = app.published_survey(&owner).await;
    let receiver = Receiver::start(&[]).await;
    let res = owner
        .post(app.url("/api/integrations/webhooks"))
        .json(&json!({"url": receiver.url, "events": ["survey.response.created"], "enabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let hook: Value = res.json().await.unwrap();
    let id = hook["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("whe_"));
    assert!(hook["created_at"].is_string() && hook["enabled"] == true);
    let first_secret = hook["secret"].as_str().unwrap().to_string();

    answer(&app, &survey, 10).await;
    let got = receiver.wait_for(1).await;
    verify_with_reference_library(&first_secret, &got[0]);

    let rotated: Value = owner
        .post(app.url(&format!("/api/integrations/webhooks/{id}/rotate-secret")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let second_secret = rotated["secret"].as_str().unwrap().to_string();
    assert_ne!(first_secret, second_secret);

    let res = owner
        .post(app.url(&format!("/api/integrations/webhooks/{id}/test")))
        .json(&json!({"event": "survey.response.created"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let test_delivery: Value = res.json().await.unwrap();
    assert_eq!(test_delivery["test"], true);
    let got = receiver.wait_for(2).await;
    assert_eq!(got[1].json()["test"], true);
    verify_with_reference_library(&second_secret, &got[1]);
    let key = |s: &str| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(s.trim_start_matches("whsec_")).unwrap()
    };
    assert_ne!(
        got[1].header("x-vox-signature"),
        hex_hmac(&key(&first_secret), &got[1].body),
        "the old secret no longer signs"
    );

    // The receiver has the body a moment before Vox records its answer.
    let mut list = Value::Null;
    for _ in 0..50 {
        list = owner
            .get(app.url(&format!("/api/integrations/webhooks/{id}/deliveries?status=delivered")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if list["meta"]["total"] == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(list["meta"]["total"], 2, "{list}");
    let d = &list["data"][0];
    assert!(d["attempt_count"].is_i64() && d["http_status"] == 200 && d["delivered_at"].is_string(), "{d}");
    let delivery_id = d["id"].as_str().unwrap();
    let res = owner
        .post(app.url(&format!("/api/integrations/webhooks/{id}/deliveries/{delivery_id}/retry")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let got = receiver.wait_for(3).await;
    assert_eq!(got[2].header("webhook-id"), delivery_id, "a retry keeps the webhook-id");

    let res = owner
        .patch(app.url(&format!("/api/integrations/webhooks/{id}")))
        .json(&json!({"events": ["*"], "isActive": false}))
        .send()
        .await
        .unwrap();
    let patched: Value = res.json().await.unwrap();
    assert_eq!(patched["events"], json!(["*"]));
    assert_eq!(patched["enabled"], false);

    assert_eq!(
        owner.delete(app.url(&format!("/api/integrations/webhooks/{id}"))).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    expect_problem(
        owner.get(app.url(&format!("/api/integrations/webhooks/{id}/deliveries"))).send().await.unwrap(),
        404,
    )
    .await;
}
