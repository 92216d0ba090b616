//! Contacts and quick distributions: the directory upserted and listed, a
//! survey sent to a list of contacts, and the per-contact status that
//! follows it (README "Events Router").

use super::events::{unique, wait_status};
use crate::common::get_json;
use crate::common::smtp::SmtpSink;
use crate::common::{expect_problem, problem_fields, spawn_app_with};
use app::backend::config::Secret;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn contacts_upsert_and_a_quick_distribution_reports_each_contact() {
    let smtp = SmtpSink::start();
    let url = smtp.url.clone();
    let app = spawn_app_with(move |c| c.smtp_url = Some(Secret(url))).await;
    let client = app.signed_in("Directory").await;
    let survey = app.published_survey(&client).await;
    let (maria, nikos) = (unique("maria"), unique("nikos"));
    let res = client
        .post(app.url("/api/directory/contacts/upsert"))
        .json(&json!([
            {"email": maria, "firstName": "Maria", "externalId": format!("crm-{maria}"), "attributes": {"plan": "pro"}},
            {"email": nikos, "firstName": "Nikos", "optedOut": true}
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let upserted: Value = res.json().await.unwrap();
    assert_eq!(upserted["created"], 2);
    let maria_id = upserted["data"][0]["id"].as_str().unwrap().to_string();
    let nikos_id = upserted["data"][1]["id"].as_str().unwrap().to_string();
    // By external id: the same contact, updated and merged.
    let res = client
        .post(app.url("/api/directory/contacts/upsert"))
        .json(&json!({"externalId": format!("crm-{maria}"), "lastName": "P.", "attributes": {"city": "Athens"}}))
        .send()
        .await
        .unwrap();
    let again: Value = res.json().await.unwrap();
    assert_eq!((again["created"].as_u64(), again["updated"].as_u64()), (Some(0), Some(1)));
    assert_eq!(again["data"][0]["id"], maria_id.as_str());
    assert_eq!(again["data"][0]["attributes"], json!({"plan": "pro", "city": "Athens"}));
    let res = client
        .post(app.url("/api/directory/contacts/upsert"))
        .json(&json!([{"email": unique("ok")}, {"email": "not-an-email"}, {"firstName": "No key"}]))
        .send()
        .await
        .unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["[1].email", "[2]"]);
    let listed = get_json(&client, app.url("/api/directory/contacts")).await;
    assert_eq!(listed["meta"]["total"], 2, "the refused call stored nothing");

    let res = client
        .post(app.url(&format!("/api/surveys/{survey}/distributions/quick")))
        .json(&json!({"contactIds": [maria_id, nikos_id], "contacts": [{"email": unique("new"), "firstName": "Eleni"}], "channel": "email"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED, "{}", res.text().await.unwrap());
    let distribution: Value = res.json().await.unwrap();
    assert_eq!(distribution["invitations"].as_array().unwrap().len(), 2);
    assert_eq!(distribution["skipped"], json!([{"contactId": nikos_id, "reason": "opted_out"}]));
    smtp.wait_for(&maria, 1).await;
    wait_status(&app, &client, &survey, &maria_id, "sent").await;
    let id = distribution["id"].as_str().unwrap();
    let status =
        get_json(&client, app.url(&format!("/api/surveys/{survey}/responses/bulk-status?distributionId={id}"))).await;
    assert_eq!(status["data"].as_array().unwrap().len(), 2);
    let status = get_json(
        &client,
        app.url(&format!("/api/surveys/{survey}/responses/bulk-status?contactIds={maria_id},{nikos_id}")),
    )
    .await;
    assert_eq!(status["data"][0]["status"], "sent");
    assert_eq!(status["data"][1]["status"], "not_sent");
    assert!(smtp.messages_to(&nikos).await.is_empty());

    // The unsubscribe link asks first, then opts the contact out.
    let message = &smtp.messages_to(&maria).await[0];
    let text = message["text"].as_str().unwrap();
    let start = text.find("/u/").unwrap();
    let path: String = text[start..].chars().take_while(|c| !c.is_whitespace()).collect();
    let page = app.client().get(app.url(&path)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("<form method=\"post\""));
    let forged = app.client().post(app.url(&format!("{path}x"))).send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::NOT_FOUND);
    let done = app.client().post(app.url(&path)).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    let contact = get_json(&client, app.url(&format!("/api/directory/contacts/{maria_id}"))).await;
    assert_eq!(contact["optedOut"], true);
    let res = client
        .post(app.url(&format!("/api/surveys/{survey}/distributions/quick")))
        .json(&json!({"contactIds": [maria_id]}))
        .send()
        .await
        .unwrap();
    let distribution: Value = res.json().await.unwrap();
    assert_eq!(distribution["skipped"][0]["reason"], "opted_out");

    // Another organisation sees none of it.
    let other = app.signed_in("Other").await;
    let res = other.get(app.url(&format!("/api/directory/contacts/{maria_id}"))).send().await.unwrap();
    expect_problem(res, 404).await;
    let res = other
        .get(app.url(&format!("/api/surveys/{survey}/responses/bulk-status?contactIds={maria_id}")))
        .send()
        .await
        .unwrap();
    expect_problem(res, 404).await;
}
