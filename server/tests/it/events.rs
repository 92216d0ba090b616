//! The Events Router, contacts and distribution, over HTTP, on the database
//! `VOX_TEST_DATABASE` names, with a real SMTP server (aiosmtpd).

use crate::common;
use crate::common::smtp::SmtpSink;
use crate::common::{expect_problem, get_json, problem_fields, spawn_app, spawn_app_with, TestApp};
use app::backend::config::Secret;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

pub(super) fn unique(prefix: &str) -> String {
    format!("{prefix}-{:012x}@example.com", rand::random::<u64>() & 0xffff_ffff_ffff)
}

async fn default_channel(app: &TestApp, client: &Client) -> String {
    let channels = get_json(client, app.url("/api/channels")).await;
    assert_eq!(channels["data"][0]["isDefault"], true, "{channels}");
    channels["data"][0]["id"].as_str().unwrap().to_string()
}

async fn create_event_type(app: &TestApp, client: &Client, name: &str) -> String {
    let res =
        client.post(app.url("/api/event-types")).json(&json!({"active": true, "name": name})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

/// The automatic setting of a channel and event type.
async fn default_setting(app: &TestApp, client: &Client, channel: &str, event_type: &str) -> String {
    let settings = get_json(client, app.url(&format!("/api/channels/{channel}/invite-settings"))).await;
    let setting = settings["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["eventTypeId"] == event_type && s["isDefault"] == true)
        .unwrap_or_else(|| panic!("no automatic setting in {settings}"));
    setting["id"].as_str().unwrap().to_string()
}

async fn patch_setting(app: &TestApp, client: &Client, channel: &str, id: &str, body: Value) -> Value {
    let res = client
        .patch(app.url(&format!("/api/channels/{channel}/invite-settings/{id}")))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

fn event(kind: &str, channel: &str, email: &str, reference: &str, metadata: Value) -> Value {
    json!({
        "type": kind,
        "channel": {"id": channel, "type": "vox"},
        "customer": {"email": email, "firstName": "Maria", "lastName": "Papadopoulou", "reference": format!("cst-{email}")},
        "transaction": {"reference": reference, "date": chrono::Utc::now().to_rfc3339()},
        "system": "shop", "systemVersion": "1.0",
        "defaultLocale": "en_GB",
        "products": [{"name": "T-Shirt", "sku": "TS-1", "brand": "specialbrand"}],
        "metadata": metadata
    })
}

async fn send_event(app: &TestApp, client: &Client, body: &Value) -> String {
    let res = client.post(app.url("/api/events")).json(body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED, "{}", res.text().await.unwrap());
    let accepted: Value = res.json().await.unwrap();
    let reference = accepted["EventRef"].as_str().unwrap().to_string();
    assert_eq!(accepted["Message"], format!("Your event ({reference}) was accepted for processing"));
    reference
}

/// Waits until the event has been routed (its status is no longer `pending`).
async fn processed(app: &TestApp, client: &Client, reference: &str) -> Value {
    for _ in 0..200 {
        let record = get_json(client, app.url(&format!("/api/events/{reference}"))).await;
        if record["processing"]["status"] != "pending" {
            return record;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("event {reference} was not processed within 20 s");
}

async fn bulk_status(app: &TestApp, client: &Client, survey: &str, contact: &str) -> String {
    let body =
        get_json(client, app.url(&format!("/api/surveys/{survey}/responses/bulk-status?contactIds={contact}"))).await;
    body["data"][0]["status"].as_str().unwrap().to_string()
}

/// Waits (up to 20 s) for a contact to reach `want`; the email arrives a moment before its `sent` mark commits.
pub(super) async fn wait_status(app: &TestApp, client: &Client, survey: &str, contact: &str, want: &str) {
    for _ in 0..200 {
        if bulk_status(app, client, survey, contact).await == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{contact} did not reach {want}: {}", bulk_status(app, client, survey, contact).await);
}

/// The `/s/…?i=…` path in an invitation's text.
fn survey_link(message: &Value, base: &str) -> String {
    let text = message["text"].as_str().unwrap();
    let start = text.find(&format!("{base}/s/")).expect("the email has the survey link");
    let link: String = text[start..].chars().take_while(|c| !c.is_whitespace()).collect();
    link.trim_start_matches(base).to_string()
}

/// The Events Router's configuration lists page like every other list:
/// `{data, meta: {page, perPage, total}}`, `page`/`per_page` honoured.
#[tokio::test]
async fn router_configuration_lists_are_pages_like_every_other_list() {
    let app = spawn_app().await;
    let client = app.signed_in("Paging Co").await;
    let channel = default_channel(&app, &client).await;
    for name in ["order", "delivery", "return"] {
        create_event_type(&app, &client, name).await;
    }
    let types = get_json(&client, app.url("/api/event-types?page=2&per_page=2")).await;
    assert_eq!(types["meta"], json!({"page": 2, "perPage": 2, "total": 3}), "{types}");
    assert_eq!(types["data"].as_array().unwrap().len(), 1, "{types}");
    assert_eq!(types["data"][0]["name"], "return", "by name: delivery, order | return");

    let channels = get_json(&client, app.url("/api/channels")).await;
    assert_eq!(channels["meta"], json!({"page": 1, "perPage": 50, "total": 1}), "{channels}");

    let settings = get_json(&client, app.url(&format!("/api/channels/{channel}/invite-settings?per_page=1"))).await;
    assert_eq!(settings["meta"]["total"], 3, "one automatic setting per event type: {settings}");
    assert_eq!(settings["data"].as_array().unwrap().len(), 1);

    for path in ["/api/channels?per_page=0", "/api/event-types?page=0", "/api/event-types?per_page=501"] {
        expect_problem(client.get(app.url(path)).send().await.unwrap(), 422).await;
    }
}

/// The router's configuration lists show the caller's organisation only,
/// another organisation's channel is "not found", and a token needs
/// `events:read` to list any of them.
#[tokio::test]
async fn router_configuration_lists_are_scoped_to_the_organisation_and_need_events_read() {
    let app = spawn_app().await;
    let owner = app.signed_in("Owner Co").await;
    let channel = default_channel(&app, &owner).await;
    create_event_type(&app, &owner, "order").await;

    let other = app.signed_in("Other Co").await;
    let theirs = get_json(&other, app.url("/api/event-types")).await;
    assert_eq!(theirs["meta"]["total"], 0, "{theirs}");
    let their_channels = get_json(&other, app.url("/api/channels")).await;
    assert_eq!(their_channels["meta"]["total"], 1, "their own default channel only: {their_channels}");
    assert_ne!(their_channels["data"][0]["id"], channel.as_str());
    let res = other.get(app.url(&format!("/api/channels/{channel}/invite-settings"))).send().await.unwrap();
    expect_problem(res, 404).await;

    let (_, without) = common::create_token(&app, &owner, &["surveys:read"]).await;
    let (_, with) = common::create_token(&app, &owner, &["events:read"]).await;
    for path in
        ["/api/channels".to_string(), "/api/event-types".into(), format!("/api/channels/{channel}/invite-settings")]
    {
        let res = common::plain_client().get(app.url(&path)).bearer_auth(&without).send().await.unwrap();
        expect_problem(res, 403).await;
        let res = common::plain_client().get(app.url(&path)).bearer_auth(&with).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn events_are_validated_named_and_answered_in_the_seed_shape() {
    let app = spawn_app().await;
    let client = app.signed_in("Events Co").await;
    let res = client.post(app.url("/api/events")).json(&json!({})).send().await.unwrap();
    let problem = expect_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), vec!["type", "channel", "customer", "transaction", "system", "systemVersion"]);

    let channel = default_channel(&app, &client).await;
    assert!(channel.starts_with("chl-") && channel.len() == 40, "{channel}");
    let body = event("checkout", &channel, &unique("a"), "order-1", json!({}));
    let res = client.post(app.url("/api/events")).json(&body).send().await.unwrap();
    let problem = expect_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), vec!["type"], "an unknown event type is named");

    let event_type = create_event_type(&app, &client, "checkout").await;
    assert!(event_type.starts_with("ety-"));
    let res = client.post(app.url("/api/event-types")).json(&json!({"name": "checkout"})).send().await.unwrap();
    expect_problem(res, 409).await;
    let mut wrong_channel = body.clone();
    wrong_channel["channel"]["id"] = json!("chl-00000000-0000-4000-8000-000000000000");
    let res = client.post(app.url("/api/events")).json(&wrong_channel).send().await.unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["channel.id"]);

    // The automatic setting starts inactive: the event is kept and skipped, saying why.
    let reference = send_event(&app, &client, &body).await;
    assert!(reference.starts_with("evt-"));
    let record = processed(&app, &client, &reference).await;
    assert_eq!(record["processing"]["status"], "skipped");
    assert!(record["processing"]["reason"].as_str().unwrap().starts_with("inactive"), "{record}");
    assert_eq!(record["event"]["transaction"]["reference"], "order-1");
    let listed = get_json(&client, app.url("/api/events?type=checkout")).await;
    assert_eq!(listed["meta"]["total"], 1);

    // An Idempotency-Key replays the first answer, without a second event.
    let again =
        |key: &'static str| client.post(app.url("/api/events")).header("Idempotency-Key", key).json(&body).send();
    let first: Value = again("event-key-1").await.unwrap().json().await.unwrap();
    let replay = again("event-key-1").await.unwrap();
    assert_eq!(replay.headers().get("idempotent-replayed").unwrap(), "true");
    assert_eq!(replay.json::<Value>().await.unwrap()["EventRef"], first["EventRef"]);
    let listed = get_json(&client, app.url("/api/events")).await;
    assert_eq!(listed["meta"]["total"], 2);

    // An active setting needs a survey; bad settings name their fields.
    let setting = default_setting(&app, &client, &channel, &event_type).await;
    let url = app.url(&format!("/api/channels/{channel}/invite-settings/{setting}"));
    let res = client.patch(&url).json(&json!({"active": true})).send().await.unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["surveyId"]);
    let res = client
        .patch(&url)
        .json(&json!({"delay": "3 days", "transport": "sms", "sendWindow": {"startHour": 9, "endHour": 20, "timeZone": "Mars/Olympus"},
            "conditions": [{"field": "price", "operator": "eq", "value": 1}]}))
        .send()
        .await
        .unwrap();
    let fields = problem_fields(&expect_problem(res, 422).await);
    for field in ["delay", "transport", "conditions[0].field", "sendWindow.timeZone"] {
        assert!(fields.contains(&field.to_string()), "{field} in {fields:?}");
    }
}

#[tokio::test]
async fn an_event_invites_by_email_and_the_link_answers_the_survey() {
    let smtp = SmtpSink::start();
    let url = smtp.url.clone();
    let app = spawn_app_with(move |c| c.smtp_url = Some(Secret(url))).await;
    let client = app.signed_in("Shop").await;
    let survey = app.published_survey(&client).await;
    let channel = default_channel(&app, &client).await;
    let event_type = create_event_type(&app, &client, "sale").await;
    let setting = default_setting(&app, &client, &channel, &event_type).await;
    patch_setting(&app, &client, &channel, &setting, json!({"surveyId": survey, "active": true})).await;

    let email = unique("maria");
    let reference =
        send_event(&app, &client, &event("sale", &channel, &email, "order-42", json!({"store": "athens"}))).await;
    let messages = smtp.wait_for(&email, 1).await;
    let message = &messages[0];
    assert_eq!(message["subject"], "How did we do? After checkout");
    assert!(message["text"].as_str().unwrap().starts_with("Hello Maria,"), "{message}");
    assert!(message["headers"]["List-Unsubscribe"].as_str().unwrap().contains("/u/con_"));
    let record = processed(&app, &client, &reference).await;
    let contact = record["contactId"].as_str().unwrap().to_string();
    wait_status(&app, &client, &survey, &contact, "sent").await;
    let record = get_json(&client, app.url(&format!("/api/events/{reference}"))).await;
    assert_eq!(record["processing"]["status"], "sent");
    assert_eq!(record["processing"]["surveyId"], survey.as_str());
    assert!(record["processing"]["reason"].as_str().unwrap().contains(&setting));

    // Opening the link marks it opened; the page carries the invitation.
    let link = survey_link(message, &app.base);
    let page = app.client().get(app.url(&link)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let token = link.split("i=").nth(1).unwrap().to_string();
    assert!(page.text().await.unwrap().contains(&token));
    assert_eq!(bulk_status(&app, &client, &survey, &contact).await, "opened");

    // The first answer starts it, completion completes it; the response is the contact's, with the event's context.
    let visitor = app.client();
    let res = visitor
        .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
        .json(&json!({"answers": {"q1": 9}, "completed": false, "invitation": token, "metadata": {"store": "forged"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    assert_eq!(bulk_status(&app, &client, &survey, &contact).await, "started");
    let response_id = created["id"].as_str().unwrap();
    let res = visitor
        .patch(app.url(&format!("/api/client/responses/{response_id}")))
        .bearer_auth(created["responseToken"].as_str().unwrap())
        .json(&json!({"answers": {"q2": "Fast delivery"}, "completed": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(bulk_status(&app, &client, &survey, &contact).await, "completed");
    let response = get_json(&client, app.url(&format!("/api/responses/{response_id}"))).await;
    assert_eq!(response["contactId"], contact.as_str());
    assert_eq!(response["metadata"]["transactionReference"], "order-42");
    assert_eq!(response["metadata"]["store"], "athens", "the event's values win over the page's");
    assert_eq!(response["metadata"]["productSkus"], "TS-1");

    // One response per invitation; a forged token is refused.
    let res = visitor
        .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
        .json(&json!({"answers": {"q1": 3}, "invitation": token}))
        .send()
        .await
        .unwrap();
    expect_problem(res, 409).await;
    let res = visitor
        .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
        .json(&json!({"answers": {"q1": 3}, "invitation": format!("{token}x")}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["invitation"]);
}

#[tokio::test]
async fn the_same_transaction_never_invites_the_same_customer_twice() {
    let app = spawn_app().await;
    let client = app.signed_in("Dedupe").await;
    let survey = app.published_survey(&client).await;
    let channel = default_channel(&app, &client).await;
    let event_type = create_event_type(&app, &client, "visit").await;
    let setting = default_setting(&app, &client, &channel, &event_type).await;
    patch_setting(&app, &client, &channel, &setting, json!({"surveyId": survey, "active": true})).await;
    let email = unique("twice");
    let body = event("visit", &channel, &email, "visit-7", json!({}));
    let first = send_event(&app, &client, &body).await;
    let second = send_event(&app, &client, &body).await;
    let first = processed(&app, &client, &first).await;
    let second = processed(&app, &client, &second).await;
    assert_ne!(first["processing"]["status"], "skipped", "{first}");
    assert_eq!(second["processing"]["status"], "skipped");
    let reason = second["processing"]["reason"].as_str().unwrap();
    assert!(reason.starts_with("duplicate") && reason.contains(first["processing"]["invitationId"].as_str().unwrap()));
    // Another transaction of the same customer is a new invitation.
    let third = send_event(&app, &client, &event("visit", &channel, &email, "visit-8", json!({}))).await;
    assert_ne!(processed(&app, &client, &third).await["processing"]["status"], "skipped");
    // With no SMTP configured, the outbox keeps exactly one email per invitation.
    for _ in 0..100 {
        let outbox = app::backend::services::outreach::outbox::list(
            &app.state.db,
            &org_of(&app, &first).await,
            Default::default(),
        )
        .await
        .unwrap();
        if outbox.meta.total == 2 {
            assert!(outbox.data.iter().all(|m| m.to == email && m.transport == "outbox"));
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the outbox did not get the two invitations");
}

async fn org_of(app: &TestApp, event: &Value) -> String {
    use sqlx::Row;
    let id = event["id"].as_str().unwrap();
    sqlx::query("SELECT organization_id FROM events WHERE id = $1")
        .bind(id)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
        .get("organization_id")
}

#[tokio::test]
async fn conditions_route_one_event_type_to_different_surveys_with_delays() {
    let app = spawn_app().await;
    let client = app.signed_in("Router").await;
    let default_survey = app.published_survey(&client).await;
    let athens_survey = app.published_survey(&client).await;
    let channel = default_channel(&app, &client).await;
    let event_type = create_event_type(&app, &client, "purchase").await;
    let setting = default_setting(&app, &client, &channel, &event_type).await;
    let updated = patch_setting(
        &app,
        &client,
        &channel,
        &setting,
        json!({"surveyId": default_survey, "active": true, "delay": "P3D"}),
    )
    .await;
    assert_eq!(updated["delayMinutes"], 3 * 24 * 60);
    assert_eq!(updated["delay"], "P3D");
    let res = client
        .post(app.url(&format!("/api/channels/{channel}/invite-settings")))
        .json(&json!({"eventTypeId": event_type, "surveyId": athens_survey, "active": true,
            "conditions": [{"field": "metadata.store", "operator": "eq", "value": "athens"},
                           {"field": "products[].brand", "operator": "in", "value": ["specialbrand", "other"]}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let extra: Value = res.json().await.unwrap();
    let res =
        client.delete(app.url(&format!("/api/channels/{channel}/invite-settings/{setting}"))).send().await.unwrap();
    expect_problem(res, 409).await;

    let athens =
        send_event(&app, &client, &event("purchase", &channel, &unique("ath"), "p-1", json!({"store": "athens"})))
            .await;
    let berlin =
        send_event(&app, &client, &event("purchase", &channel, &unique("ber"), "p-2", json!({"store": "berlin"})))
            .await;
    let athens = processed(&app, &client, &athens).await;
    let berlin = processed(&app, &client, &berlin).await;
    assert_eq!(athens["processing"]["surveyId"], athens_survey.as_str());
    assert_eq!(athens["processing"]["inviteSettingId"], extra["id"]);
    assert!(athens["processing"]["reason"].as_str().unwrap().contains(r#"metadata.store == "athens""#));
    assert_eq!(berlin["processing"]["surveyId"], default_survey.as_str());
    // The delay: scheduled three days out, not sent.
    assert_eq!(berlin["processing"]["status"], "scheduled");
    let send_at: chrono::DateTime<chrono::Utc> = berlin["processing"]["sendAt"].as_str().unwrap().parse().unwrap();
    let days = (send_at - chrono::Utc::now()).num_hours();
    assert!((70..=72).contains(&days), "{send_at}");

    // A deactivated event type: accepted, skipped as inactive.
    let res = client
        .patch(app.url(&format!("/api/event-types/{event_type}")))
        .json(&json!({"active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let off = send_event(&app, &client, &event("purchase", &channel, &unique("off"), "p-3", json!({}))).await;
    let off = processed(&app, &client, &off).await;
    assert!(off["processing"]["reason"].as_str().unwrap().starts_with("inactive"), "{off}");
}

#[tokio::test]
async fn a_restart_between_scheduling_and_sending_loses_and_doubles_nothing() {
    let smtp = SmtpSink::start();
    // The first process accepts work but never sends (as if it died right after).
    let app = spawn_app_with(|c| c.send_invitations = false).await;
    let client = app.signed_in("Restart").await;
    let survey = app.published_survey(&client).await;
    let emails: Vec<String> = (0..12).map(|i| unique(&format!("r{i}"))).collect();
    let contacts: Vec<Value> = emails.iter().map(|e| json!({"email": e})).collect();
    let res = client
        .post(app.url(&format!("/api/surveys/{survey}/distributions/quick")))
        .json(&json!({"contacts": contacts}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(smtp.messages_to(&emails[0]).await.is_empty(), "nothing is sent by a process that does not send");
    // One invitation was claimed by a sender that then died mid-send.
    sqlx::query(
        "UPDATE invitations SET claimed_until = $1, claimed_by = 'crashed', attempt_count = 1 WHERE id = \
         (SELECT MIN(id) FROM invitations)",
    )
    .bind(chrono::Utc::now().timestamp_millis() - 1)
    .execute(app.state.db.pool())
    .await
    .unwrap();

    // Two replicas start on the same database and share the work.
    let url = smtp.url.clone();
    let first_replica = common::spawn_replica_with(&app, {
        let url = url.clone();
        move |c| c.smtp_url = Some(Secret(url))
    })
    .await;
    let second_replica = common::spawn_replica_with(&app, move |c| c.smtp_url = Some(Secret(url))).await;
    for email in &emails {
        smtp.wait_for(email, 1).await;
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    for email in &emails {
        assert_eq!(smtp.messages_to(email).await.len(), 1, "{email} got exactly one invitation");
    }
    drop((first_replica, second_replica));
}
