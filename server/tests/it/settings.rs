//! Organisation settings through the REST API: allowed sites shared by all
//! surveys, the organisation's own mail server (used for its invitations,
//! its password sealed and never shown, held to the SSRF guard), and retention.

use crate::common::smtp::SmtpSink;
use crate::common::{expect_problem, problem_fields, spawn_app, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sqlx::Row;

const SHOP: &str = "https://shop.example.com";

/// A published survey with no allowed sites of its own.
async fn survey_without_sites(app: &TestApp, owner: &Client) -> String {
    app.published_survey(owner).await
}

async fn embed_config(app: &TestApp, survey: &str, origin: &str) -> reqwest::Response {
    app.client()
        .get(app.url(&format!("/api/client/surveys/{survey}/embed")))
        .header("origin", origin)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_organisations_sites_may_show_all_its_surveys_and_no_one_elses() {
    let app = spawn_app().await;
    let owner = app.signed_in("Sites").await;
    let survey = survey_without_sites(&app, &owner).await;
    expect_problem(embed_config(&app, &survey, SHOP).await, 403).await;

    // Every bad entry is named.
    let res = owner
        .put(app.url("/api/settings/embed"))
        .json(&json!({"allowedOrigins": [SHOP, "shop.example.com", "ftp://x.example"]}))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), ["allowedOrigins[1]", "allowedOrigins[2]"]);

    let res = owner
        .put(app.url("/api/settings/embed"))
        .json(&json!({"allowedOrigins": ["HTTPS://Shop.Example.com/", SHOP, "https://*.brand.gr"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let saved: Value = res.json().await.unwrap();
    assert_eq!(saved["allowedOrigins"], json!([SHOP, "https://*.brand.gr"]), "normalised, once each");
    let read: Value = owner.get(app.url("/api/settings/embed")).send().await.unwrap().json().await.unwrap();
    assert_eq!(read, saved);

    // The survey itself allows nothing, yet the organisation's sites may show and answer it.
    assert_eq!(embed_config(&app, &survey, SHOP).await.status(), StatusCode::OK);
    assert_eq!(embed_config(&app, &survey, "https://eshop.brand.gr").await.status(), StatusCode::OK);
    expect_problem(embed_config(&app, &survey, "https://evil.example").await, 403).await;
    let res = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
        .header("origin", SHOP)
        .json(&json!({"answers": {"q1": 9}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // The frame may be put on that site, and the browser is told so.
    let frame = app.client().get(app.url(&format!("/s/{survey}?embed=1&origin={SHOP}"))).send().await.unwrap();
    assert_eq!(frame.status(), StatusCode::OK);
    let csp = frame.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains(&format!("frame-ancestors {SHOP}")), "{csp}");
    // The list is not shown to visitors.
    assert!(!frame.text().await.unwrap().contains("brand.gr"));

    // Another organisation's survey is not shown on this organisation's sites.
    let other = app.signed_in("Other").await;
    let foreign = survey_without_sites(&app, &other).await;
    expect_problem(embed_config(&app, &foreign, SHOP).await, 403).await;
}

#[tokio::test]
async fn invitations_go_through_the_organisations_own_mail_server() {
    let smtp = SmtpSink::start();
    let port: u16 = smtp.url.rsplit(':').next().unwrap().parse().unwrap();
    // The server itself has no SMTP: without settings, nothing can be tested.
    let app = spawn_app().await;
    let owner = app.signed_in("Mail").await;
    expect_problem(owner.get(app.url("/api/settings/smtp")).send().await.unwrap(), 404).await;
    let res =
        owner.post(app.url("/api/settings/smtp/test")).json(&json!({"to": "me@example.com"})).send().await.unwrap();
    expect_problem(res, 409).await;

    let put = |body: Value| owner.put(app.url("/api/settings/smtp")).json(&body).send();
    // Bad settings: every field named; no password over an unencrypted connection;
    // no private addresses (only 127.0.0.1 is allowed for the tests).
    let problem = expect_problem(put(json!({"host": "", "port": 0, "from": "nobody"})).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), ["host", "port", "from"]);
    let problem = expect_problem(
        put(json!({"host": "127.0.0.1", "port": port, "security": "none", "username": "u", "password": "p",
                   "from": "surveys@mail.example"}))
        .await
        .unwrap(),
        422,
    )
    .await;
    assert_eq!(problem_fields(&problem), ["security"]);
    let problem = expect_problem(
        put(json!({"host": "10.0.0.5", "port": 25, "security": "none", "from": "surveys@mail.example"})).await.unwrap(),
        422,
    )
    .await;
    assert_eq!(problem_fields(&problem), ["host"]);

    let res = put(json!({"host": "127.0.0.1", "port": port, "security": "none",
                         "from": "Mail Shop <surveys@mail.example>"}))
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let saved: Value = owner.get(app.url("/api/settings/smtp")).send().await.unwrap().json().await.unwrap();
    assert_eq!(saved["host"], "127.0.0.1");
    assert_eq!(saved["passwordSet"], false);
    assert!(saved.get("password").is_none());

    // A test message arrives, from the organisation's sender.
    let me = format!("owner-{}@example.com", rand::random::<u32>());
    let res = owner.post(app.url("/api/settings/smtp/test")).json(&json!({"to": me})).send().await.unwrap();
    let result: Value = res.json().await.unwrap();
    assert_eq!(result["sent"], true, "{result}");
    let got = smtp.wait_for(&me, 1).await;
    assert_eq!(got[0]["from"], "surveys@mail.example");
    assert_eq!(got[0]["subject"], "Vox test message");
    // A changed sender on the same server takes effect at once (the kept connection is rebuilt).
    let res =
        put(json!({"host": "127.0.0.1", "port": port, "security": "none", "from": "news@mail.example"})).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = owner.post(app.url("/api/settings/smtp/test")).json(&json!({"to": me})).send().await.unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["sent"], true);
    assert_eq!(smtp.wait_for(&me, 2).await[1]["from"], "news@mail.example");
    let res =
        put(json!({"host": "127.0.0.1", "port": port, "security": "none", "from": "Mail Shop <surveys@mail.example>"}))
            .await
            .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    // So does an invitation.
    let survey = app.published_survey(&owner).await;
    let customer = format!("customer-{}@example.com", rand::random::<u32>());
    let res = owner
        .post(app.url(&format!("/api/surveys/{survey}/distributions/quick")))
        .json(&json!({"contacts": [{"email": customer}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let invitation = smtp.wait_for(&customer, 1).await;
    assert_eq!(invitation[0]["from"], "surveys@mail.example");
    assert!(invitation[0]["headers"]["List-Unsubscribe"].as_str().unwrap().contains("/u/"));

    // A mail server that is down: the test says why, the settings stay.
    let res =
        put(json!({"host": "127.0.0.1", "port": 9, "security": "none", "from": "surveys@mail.example"})).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let result: Value = owner
        .post(app.url("/api/settings/smtp/test"))
        .json(&json!({"to": me}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(result["sent"], false);
    assert!(!result["detail"].as_str().unwrap().is_empty());

    // A password is sealed at rest and never shown; absent keeps it, "" removes it.
    let res = put(json!({"host": "127.0.0.1", "port": port, "security": "starttls", "username": "mailer",
                         "password": "very secret words", "from": "surveys@mail.example"}))
    .await
    .unwrap();
    let saved: Value = res.json().await.unwrap();
    assert_eq!(saved["passwordSet"], true);
    assert!(!saved.to_string().contains("very secret words"));
    let stored: Option<String> = sqlx::query("SELECT password_sealed FROM organization_smtp")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
        .try_get("password_sealed")
        .unwrap();
    let stored = stored.unwrap();
    assert!(!stored.contains("very secret words"));
    assert_eq!(app.state.secrets.open(&stored).as_deref(), Some("very secret words"));
    let kept: Value = put(json!({"host": "127.0.0.1", "port": port, "security": "tls", "username": "mailer",
                                "from": "surveys@mail.example"}))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(kept["passwordSet"], true);
    let cleared: Value = put(json!({"host": "127.0.0.1", "port": port, "security": "none", "password": "",
                                   "from": "surveys@mail.example"}))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(cleared["passwordSet"], false);

    // Another organisation sees none of it.
    let other = app.signed_in("Other mail").await;
    expect_problem(other.get(app.url("/api/settings/smtp")).send().await.unwrap(), 404).await;

    // Removed: back to the server's default (here none).
    let res = owner.delete(app.url("/api/settings/smtp")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    expect_problem(owner.delete(app.url("/api/settings/smtp")).send().await.unwrap(), 404).await;
    let res = owner.post(app.url("/api/settings/smtp/test")).json(&json!({"to": me})).send().await.unwrap();
    expect_problem(res, 409).await;
}

#[tokio::test]
async fn retention_is_read_and_set_within_its_range() {
    let app = spawn_app().await;
    let owner = app.signed_in("Keep").await;
    let read: Value = owner.get(app.url("/api/settings/retention")).send().await.unwrap().json().await.unwrap();
    assert_eq!(read, json!({"retentionDays": null}));
    let res = owner.put(app.url("/api/settings/retention")).json(&json!({"retentionDays": 0})).send().await.unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), ["retentionDays"]);
    let res = owner.put(app.url("/api/settings/retention")).json(&json!({"retentionDays": 90})).send().await.unwrap();
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"retentionDays": 90}));
    let read: Value = owner.get(app.url("/api/settings/retention")).send().await.unwrap().json().await.unwrap();
    assert_eq!(read["retentionDays"], 90);
}

#[tokio::test]
async fn a_server_function_given_unreadable_arguments_answers_400_not_500() {
    let app = spawn_app().await;
    let owner = app.signed_in("Garbled").await;
    let post = |name: &str, content_type: &str, body: &'static str| {
        owner
            .post(app.url(&format!("/rpc/{name}")))
            .header("Accept", "application/json")
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    for (name, content_type, body) in [
        ("save_embed_sites", "application/json", "{not json"),
        ("save_embed_sites", "application/json", r#"{"sites": "one string"}"#),
        ("save_retention", "application/json", r#"{"days": "ninety"}"#),
        ("invite_member", "application/x-www-form-urlencoded", "email=x%40example.com"),
    ] {
        let res = post(name, content_type, body).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{name} {body}");
        assert!(res.text().await.unwrap().contains("invalid_arguments"), "{name} {body}");
    }
    let sites: Value = owner.get(app.url("/api/settings/embed")).send().await.unwrap().json().await.unwrap();
    assert_eq!(sites["allowedOrigins"], json!([]), "nothing was stored");
}
