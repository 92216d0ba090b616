//! Rules of sending that no tenant can bend: a recipient's own opt-out
//! sticks (only they can undo it), sending alone never creates or changes a
//! contact, an invited response keeps its invitation's context on every later
//! change, and a daily quota bounds what an organisation sends through the
//! operator's mail server.

use crate::common;
use crate::common::smtp::SmtpSink;
use crate::common::{create_token, expect_problem, link_in, rpc, spawn_app_with, unique_email, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

async fn app_with_mail(quota: u64) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start();
    let url = sink.url.clone();
    let app = spawn_app_with(move |c| {
        c.smtp_url = Some(app::backend::config::Secret(url));
        c.mail_daily_quota = quota;
    })
    .await;
    (app, sink)
}

async fn distribute(app: &TestApp, client: &Client, survey: &str, body: Value) -> reqwest::Response {
    client.post(app.url(&format!("/api/surveys/{survey}/distributions/quick"))).json(&body).send().await.unwrap()
}

async fn contact(app: &TestApp, client: &Client, id: &str) -> Value {
    client.get(app.url(&format!("/api/directory/contacts/{id}"))).send().await.unwrap().json().await.unwrap()
}

/// The path of a link in the contact's latest email.
async fn latest_link(sink: &SmtpSink, email: &str, count: usize, prefix: &str, base: &str) -> String {
    let messages = sink.wait_for(email, count).await;
    link_in(messages.last().unwrap(), prefix).trim_start_matches(base).to_string()
}

#[tokio::test]
async fn an_unsubscribe_by_the_recipient_sticks_and_sending_alone_cannot_touch_contacts() {
    let (app, sink) = app_with_mail(0).await;
    let session = app.signed_in("Consent").await;
    let survey = app.published_survey(&session).await;
    let maria = unique_email("maria");

    // distributions:write alone sends to known contacts, and never creates or changes one.
    let (_, sender) = create_token(&app, &session, &["distributions:write"]).await;
    let res = distribute(&app, &plain_client_with(&sender), &survey, json!({"contacts": [{"email": maria}]})).await;
    let problem = expect_problem(res, 403).await;
    assert!(problem["detail"].as_str().unwrap().contains("contacts:write"), "{problem}");
    let list: Value = session.get(app.url("/api/directory/contacts")).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["meta"]["total"], 0, "nothing was created");

    // The recipient unsubscribes through the link in their invitation.
    let res = distribute(&app, &session, &survey, json!({"contacts": [{"email": maria, "firstName": "Maria"}]})).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let maria_id = res.json::<Value>().await.unwrap()["invitations"][0]["contactId"].as_str().unwrap().to_string();
    let unsubscribe = latest_link(&sink, &maria, 1, "/u/", &app.base).await;
    assert_eq!(app.client().post(app.url(&unsubscribe)).send().await.unwrap().status(), StatusCode::OK);
    let now = contact(&app, &session, &maria_id).await;
    assert_eq!((now["optedOut"].as_bool(), now["optedOutBy"].as_str()), (Some(true), Some("recipient")));

    // Nothing the organisation sends undoes it: not a distribution with optedOut: false...
    let (_, both) = create_token(&app, &session, &["distributions:write", "contacts:write"]).await;
    let res = distribute(
        &app,
        &plain_client_with(&both),
        &survey,
        json!({"contacts": [{"email": maria, "optedOut": false}]}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let distribution: Value = res.json().await.unwrap();
    assert_eq!(distribution["invitations"], json!([]));
    assert_eq!(distribution["skipped"][0]["reason"], "opted_out");
    // ...nor an upsert...
    let res = plain_client_with(&both)
        .post(app.url("/api/directory/contacts/upsert"))
        .json(&json!({"email": maria, "optedOut": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(contact(&app, &session, &maria_id).await["optedOut"], true);
    // ...nor the dashboard.
    let res = session
        .post(app.url("/rpc/set_contact_opted_out"))
        .header("Accept", "application/json")
        .form(&[("id", maria_id.as_str()), ("opted_out", "false")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.messages_to(&maria).await.len(), 1, "no invitation was queued");

    // The recipient may change their mind, through the same link.
    let res = app.client().post(app.url(&format!("{unsubscribe}/resubscribe"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(contact(&app, &session, &maria_id).await["optedOut"], false);

    // An opt-out the organisation made, the organisation may undo.
    let nikos = unique_email("nikos");
    let res = plain_client_with(&both)
        .post(app.url("/api/directory/contacts/upsert"))
        .json(&json!({"email": nikos, "optedOut": true}))
        .send()
        .await
        .unwrap();
    let nikos_id = res.json::<Value>().await.unwrap()["data"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(contact(&app, &session, &nikos_id).await["optedOutBy"], "organization");
    plain_client_with(&both)
        .post(app.url("/api/directory/contacts/upsert"))
        .json(&json!({"email": nikos, "optedOut": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(contact(&app, &session, &nikos_id).await["optedOut"], false);
}

fn plain_client_with(token: &str) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
    Client::builder().default_headers(headers).build().unwrap()
}

#[tokio::test]
async fn an_invited_response_keeps_its_contact_and_context_on_every_change() {
    let (app, sink) = app_with_mail(0).await;
    let session = app.signed_in("Invited").await;
    let survey = app.published_survey(&session).await;
    let maria = unique_email("maria");
    let res = distribute(&app, &session, &survey, json!({"contacts": [{"email": maria}]})).await;
    let distribution: Value = res.json().await.unwrap();
    let (distribution_id, maria_id) = (
        distribution["id"].as_str().unwrap().to_string(),
        distribution["invitations"][0]["contactId"].as_str().unwrap().to_string(),
    );
    let link = latest_link(&sink, &maria, 1, "/s/", &app.base).await;
    let token = url::Url::parse(&app.url(&link)).unwrap().query_pairs().find(|(k, _)| k == "i").unwrap().1.to_string();
    let res = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
        .json(&json!({"answers": {"q1": 9}, "completed": false, "invitation": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let created: Value = res.json().await.unwrap();
    let (id, response_token) = (created["id"].as_str().unwrap(), created["responseToken"].as_str().unwrap());

    // The respondent tries to move the response to someone else and to forge its distribution.
    let res = app
        .client()
        .patch(app.url(&format!("/api/client/responses/{id}")))
        .bearer_auth(response_token)
        .json(&json!({
            "responder": {"email": unique_email("someone-else")},
            "metadata": {"distributionId": "dst_forged", "note": "kept"},
            "completed": true
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let stored: Value =
        session.get(app.url(&format!("/api/responses/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(stored["contactId"], maria_id.as_str(), "still the invited contact's");
    assert_eq!(stored["metadata"]["distributionId"], distribution_id.as_str(), "the invitation's context wins");
    assert_eq!(stored["metadata"]["note"], "kept", "other metadata is merged as usual");
    let contacts: Value = session.get(app.url("/api/directory/contacts")).send().await.unwrap().json().await.unwrap();
    assert_eq!(contacts["meta"]["total"], 1, "no contact was created for the forged responder");
}

#[tokio::test]
async fn the_daily_quota_bounds_sending_through_the_operators_mail_server() {
    let (app, sink) = app_with_mail(3).await;
    let session = app.signed_in("Quota").await;
    let survey = app.published_survey(&session).await;
    let four: Vec<Value> = (0..4).map(|i| json!({"email": unique_email(&format!("q{i}"))})).collect();

    // Four at once is over the quota: refused as a whole, naming the quota.
    let res = distribute(&app, &session, &survey, json!({"contacts": four})).await;
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 24 * 3600);
    let problem = expect_problem(res, 429).await;
    assert_eq!((problem["code"].as_str(), problem["quota"].as_str()), (Some("quota_exceeded"), Some("mail_daily")));
    let contacts: Value = session.get(app.url("/api/directory/contacts")).send().await.unwrap().json().await.unwrap();
    assert_eq!(contacts["meta"]["total"], 0, "nothing of the refused call was kept");

    let res = distribute(&app, &session, &survey, json!({"contacts": four[..3]})).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    expect_problem(distribute(&app, &session, &survey, json!({"contacts": [four[3]]})).await, 429).await;
    // The dashboard shows the quota and its use.
    let settings: Value = rpc(&session, &app, "get_organization_settings", &[]).await.json().await.unwrap();
    assert_eq!(settings["mail_quota"], json!({"limit": 3, "used": 3}));

    // An event's invitation over the quota is skipped, and says why.
    let channels: Value = session.get(app.url("/api/channels")).send().await.unwrap().json().await.unwrap();
    let channel = channels["data"][0]["id"].as_str().unwrap().to_string();
    let res =
        session.post(app.url("/api/event-types")).json(&json!({"active": true, "name": "order"})).send().await.unwrap();
    let event_type = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let settings: Value = session
        .get(app.url(&format!("/api/channels/{channel}/invite-settings")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let setting =
        settings["data"].as_array().unwrap().iter().find(|s| s["eventTypeId"] == event_type.as_str()).unwrap();
    session
        .patch(app.url(&format!("/api/channels/{channel}/invite-settings/{}", setting["id"].as_str().unwrap())))
        .json(&json!({"active": true, "surveyId": survey}))
        .send()
        .await
        .unwrap();
    let body = json!({
        "type": "order", "channel": {"id": channel, "type": "vox"},
        "customer": {"email": unique_email("eve"), "firstName": "Eve"},
        "transaction": {"reference": "T-1"}, "system": "shop", "systemVersion": "1"
    });
    let res = session.post(app.url("/api/events")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED, "{}", res.text().await.unwrap());
    let reference = res.json::<Value>().await.unwrap()["EventRef"].as_str().unwrap().to_string();
    let mut record = Value::Null;
    for _ in 0..100 {
        record = session.get(app.url(&format!("/api/events/{reference}"))).send().await.unwrap().json().await.unwrap();
        if record["processing"]["status"] != "pending" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(record["processing"]["status"], "skipped", "{record}");
    assert!(record["processing"]["reason"].as_str().unwrap().starts_with("quota_exceeded"), "{record}");

    // The operator raises this organisation's quota with the `vox mail-quota` command.
    let me: Value = rpc(&session, &app, "whoami", &[]).await.json().await.unwrap();
    let org = me["organizationId"].as_str().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_vox"))
        .args(["mail-quota", org, "10"])
        .env("DATABASE_URL", &app.database_url)
        .env("VOX_SECRET_KEY", common::TEST_SECRET)
        .env("VOX_LOG", "warn")
        .status()
        .unwrap();
    assert!(status.success());
    let res = distribute(&app, &session, &survey, json!({"contacts": [four[3]]})).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED, "{}", res.text().await.unwrap());
    sink.wait_for(four[3]["email"].as_str().unwrap(), 1).await;
}
