//! Smaller doors an attacker tries: framing and scripts on our pages, a live
//! feed that outlives its credential, replaying another visitor's result
//! through a shared proxy address, oversized server-function bodies.

use crate::common::{client_from, create_token, plain_client, spawn_app, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

#[tokio::test]
async fn our_pages_cannot_be_framed_and_run_only_scripts_carrying_their_nonce() {
    let app = spawn_app().await;
    let owner = app.signed_in("Framed").await;
    for (client, path) in [
        (app.client(), "/login"),
        (app.client(), "/signup"),
        (owner.clone(), "/dashboard"),
        (owner.clone(), "/dashboard/settings"),
    ] {
        let res = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let policy = header(&res, "content-security-policy");
        assert!(policy.contains("frame-ancestors 'none'"), "{path}: {policy}");
        assert_eq!(header(&res, "x-frame-options"), "DENY", "{path}");
        assert_eq!(header(&res, "x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header(&res, "referrer-policy"), "strict-origin-when-cross-origin", "{path}");
        let script = policy.split(';').find(|d| d.trim().starts_with("script-src")).unwrap().trim().to_string();
        assert!(script.starts_with("script-src 'self' 'nonce-") && script.ends_with("'wasm-unsafe-eval'"), "{script}");
        assert!(!script.contains("unsafe-inline"), "{script}");
        let nonce = script.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_string();
        // Every inline script of the page carries this response's nonce.
        let html = res.text().await.unwrap();
        for tag in html.split("<script").skip(1) {
            let open = &tag[..tag.find('>').unwrap()];
            if open.contains("src=") || open.contains("application/json") {
                continue;
            }
            assert!(open.contains(&format!("nonce=\"{nonce}\"")), "{path}: <script{open}>");
        }
    }
    // A second answer has another nonce.
    let a = header(&app.client().get(app.url("/login")).send().await.unwrap(), "content-security-policy");
    let b = header(&app.client().get(app.url("/login")).send().await.unwrap(), "content-security-policy");
    assert_ne!(a, b);
    // API answers and the API reference cannot be framed either.
    for path in ["/api/surveys", "/docs/api", "/healthz"] {
        let res = owner.get(app.url(path)).send().await.unwrap();
        assert_eq!(header(&res, "x-frame-options"), "DENY", "{path}");
        assert!(header(&res, "content-security-policy").contains("frame-ancestors 'none'"), "{path}");
    }
    // The survey's link page is Vox's alone to frame; the embed frame keeps its per-site rule.
    let survey = app.published_survey(&owner).await;
    owner
        .patch(app.url(&format!("/api/surveys/{survey}")))
        .json(&json!({"embed": {"allowedOrigins": ["https://shop.example"]}}))
        .send()
        .await
        .unwrap();
    let link = app.client().get(app.url(&format!("/s/{survey}"))).send().await.unwrap();
    assert!(header(&link, "content-security-policy").contains("frame-ancestors 'self'"));
    let frame =
        app.client().get(app.url(&format!("/s/{survey}?embed=1&origin=https://shop.example"))).send().await.unwrap();
    assert!(header(&frame, "content-security-policy").contains("frame-ancestors https://shop.example"));
    assert_eq!(header(&frame, "x-frame-options"), "", "no X-Frame-Options to contradict the allowed site");
}

/// Reads the live feed until it ends; `None` if it is still open after `wait`.
async fn ends_within(mut res: reqwest::Response, wait: Duration) -> Option<()> {
    tokio::time::timeout(wait, async { while let Ok(Some(_)) = res.chunk().await {} }).await.ok()
}

#[tokio::test]
async fn the_live_feed_ends_when_its_token_is_revoked_or_its_session_ends() {
    let app = spawn_app().await;
    let owner = app.signed_in("Live").await;
    let survey = app.published_survey(&owner).await;
    let (token_id, token) = create_token(&app, &owner, &["responses:read"]).await;
    let live = format!("/api/surveys/{survey}/live");

    let by_token = plain_client().get(app.url(&live)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(by_token.status(), StatusCode::OK);
    assert!(ends_within(by_token, Duration::from_millis(2500)).await.is_none(), "open while the token is live");
    let by_token = plain_client().get(app.url(&live)).bearer_auth(&token).send().await.unwrap();
    owner.delete(app.url(&format!("/api/tokens/{token_id}"))).send().await.unwrap();
    assert!(ends_within(by_token, Duration::from_secs(5)).await.is_some(), "ends after the revocation");

    let by_session = owner.get(app.url(&live)).send().await.unwrap();
    assert_eq!(by_session.status(), StatusCode::OK);
    owner.post(app.url("/api/auth/logout")).send().await.unwrap();
    assert!(ends_within(by_session, Duration::from_secs(5)).await.is_some(), "ends with the session");
}

#[tokio::test]
async fn idempotency_keys_of_visitors_behind_one_proxy_are_theirs_alone() {
    let app = spawn_app_with(|c| c.trust_proxy = true).await;
    let owner = app.signed_in("Proxied").await;
    let survey = app.published_survey(&owner).await;
    let submit = |from: &str| {
        client_from(from)
            .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
            .header("idempotency-key", "the-same-key")
            .json(&json!({"answers": {"q1": 8}}))
            .send()
    };
    let first = submit("198.51.100.1").await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    // Another visitor (the same proxy, another client address) gets their own response, not the first one's token.
    let other = submit("198.51.100.2").await.unwrap();
    assert_eq!(other.status(), StatusCode::CREATED);
    assert!(other.headers().get("idempotent-replayed").is_none());
    let other: Value = other.json().await.unwrap();
    assert_ne!(other["id"], first["id"]);
    // The same visitor retrying gets the first answer back.
    let again = submit("198.51.100.1").await.unwrap();
    assert_eq!(header(&again, "idempotent-replayed"), "true");
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
}

#[tokio::test]
async fn oversized_bodies_answer_413_everywhere() {
    let app = spawn_app().await;
    let big = "x".repeat(2 * 1024 * 1024);
    let res = app
        .client()
        .post(app.url("/rpc/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("email=a%40b.co&password={big}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let res = app
        .client()
        .post(app.url("/api/auth/login"))
        .header("content-type", "application/json")
        .body(format!("{{\"email\": \"a@b.co\", \"password\": \"{big}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(header(&res, "content-type"), "application/problem+json");
}
