//! API tokens: created once from a session, scoped, immutable, revocable on
//! every replica, and every kind of forged or stale token refused.

use crate::common;
use crate::common::{create_token, expect_problem, plain_client, spawn_app, spawn_replica, TEST_SECRET};
use app::backend::auth::jwt::{Claims, JwtCodec, AUDIENCE, ISSUER, TOKEN_TYPE};
use app::backend::keys::Keys;
use base64::Engine;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

#[tokio::test]
async fn a_token_is_shown_once_and_lists_as_metadata() {
    let app = spawn_app().await;
    let session = app.signed_in("Acme").await;
    let res = session
        .post(app.url("/api/tokens"))
        .json(&json!({"title": "CRM sync", "scopes": ["responses:read", "surveys:read", "surveys:read"], "expiresAt": "2031-01-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap();
    assert!(id.starts_with("tok_"));
    assert_eq!(location, format!("/api/tokens/{id}"));
    assert_eq!(created["scopes"], json!(["surveys:read", "responses:read"]));
    assert_eq!(created["expiresAt"], "2031-01-01T00:00:00Z");
    let jwt = created["token"].as_str().unwrap();
    assert_eq!(jwt.split('.').count(), 3);

    // The JWT carries the documented claims.
    let payload = jwt.split('.').nth(1).unwrap();
    let claims: Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    for claim in ["iss", "sub", "org", "jti", "scopes", "iat", "exp", "aud", "typ"] {
        assert!(!claims[claim].is_null(), "claim {claim} in {claims}");
    }
    assert_eq!(claims["jti"], id);

    let list: Value = session.get(app.url("/api/tokens")).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["meta"]["total"], 1);
    let listed = &list["data"][0];
    assert_eq!(listed["title"], "CRM sync");
    assert!(listed.get("token").is_none(), "never the JWT again: {listed}");
    let one: Value = session.get(app.url(&location)).send().await.unwrap().json().await.unwrap();
    assert!(one.get("token").is_none());
    assert!(one["revokedAt"].is_null());
}

#[tokio::test]
async fn tokens_are_immutable_and_managed_only_from_a_session() {
    let app = spawn_app().await;
    let session = app.signed_in("Acme").await;
    let (id, jwt) = create_token(&app, &session, &["surveys:read"]).await;
    let path = format!("/api/tokens/{id}");
    expect_problem(
        session.patch(app.url(&path)).json(&json!({"scopes": ["surveys:write"]})).send().await.unwrap(),
        405,
    )
    .await;
    expect_problem(session.put(app.url(&path)).json(&json!({"title": "x"})).send().await.unwrap(), 405).await;
    let with_token = plain_client()
        .post(app.url("/api/tokens"))
        .bearer_auth(&jwt)
        .json(&json!({"title": "t", "scopes": ["surveys:read"]}));
    expect_problem(with_token.send().await.unwrap(), 403).await;
    let problem = expect_problem(
        session
            .post(app.url("/api/tokens"))
            .json(&json!({"title": "", "scopes": ["surveys:fly"]}))
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(common::problem_fields(&problem), vec!["scopes[0]"]);
    let problem = expect_problem(
        session
            .post(app.url("/api/tokens"))
            .json(&json!({"title": "", "scopes": [], "expiresAt": "2001-01-01T00:00:00Z"}))
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    let fields = common::problem_fields(&problem);
    for f in ["title", "scopes", "expiresAt"] {
        assert!(fields.contains(&f.to_string()), "{f} in {fields:?}");
    }
}

#[tokio::test]
async fn scopes_are_enforced_and_named() {
    let app = spawn_app().await;
    let session = app.signed_in("Acme").await;
    let survey = app.published_survey(&session).await;
    let (_, read_only) = create_token(&app, &session, &["surveys:read"]).await;
    let (_, write_only) = create_token(&app, &session, &["surveys:write"]).await;
    let api = plain_client();

    assert_eq!(api.get(app.url("/api/surveys")).bearer_auth(&read_only).send().await.unwrap().status(), StatusCode::OK);
    let problem = expect_problem(
        api.post(app.url("/api/surveys"))
            .bearer_auth(&read_only)
            .json(&json!({"name": "x", "questions": []}))
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("surveys:write"), "{problem}");
    // :write does not imply :read
    let problem =
        expect_problem(api.get(app.url("/api/surveys")).bearer_auth(&write_only).send().await.unwrap(), 403).await;
    assert!(problem["detail"].as_str().unwrap().contains("surveys:read"));
    let res = api
        .post(app.url("/api/surveys"))
        .bearer_auth(&write_only)
        .json(&json!({"name": "x", "questions": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let problem = expect_problem(
        api.get(app.url(&format!("/api/surveys/{survey}/responses"))).bearer_auth(&read_only).send().await.unwrap(),
        403,
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("responses:read"));
}

fn sign(claims: &Claims, secret: &str) -> String {
    JwtCodec::new(&Keys::from_secret(secret.as_bytes())).sign(claims).unwrap()
}

#[tokio::test]
async fn forged_stale_and_revoked_tokens_get_401() {
    let app = spawn_app().await;
    let session = app.signed_in("Acme").await;
    let (id, jwt) = create_token(&app, &session, &["surveys:read"]).await;
    let api = plain_client();
    let call = |auth: Option<String>| {
        let mut req = api.get(app.url("/api/surveys"));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        req.send()
    };
    assert_eq!(call(Some(format!("Bearer {jwt}"))).await.unwrap().status(), StatusCode::OK);

    let claims: Claims = {
        let payload = jwt.split('.').nth(1).unwrap();
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
    };
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let parts: Vec<&str> = jwt.split('.').collect();
    let expired = sign(&Claims { exp: Some(chrono::Utc::now().timestamp() - 60), ..claims.clone() }, TEST_SECRET);
    let wrong_key = sign(&claims, "some other secret key that is long enough");
    let other_org = {
        let forged = Claims { org: "org_00000000000000000000000000".into(), ..claims.clone() };
        format!("{}.{}.{}", parts[0], b64(&serde_json::to_string(&forged).unwrap()), parts[2])
    };
    let alg_none = format!("{}.{}.", b64(r#"{"alg":"none","typ":"JWT"}"#), parts[1]);
    let alg_switch = format!("{}.{}.{}", b64(r#"{"alg":"HS512","typ":"JWT"}"#), parts[1], parts[2]);
    let unknown_jti = sign(&Claims { jti: "tok_00000000000000000000000000".into(), ..claims.clone() }, TEST_SECRET);
    let wrong_type = sign(&Claims { typ: "session".into(), ..claims.clone() }, TEST_SECRET);
    let wrong_issuer = sign(&Claims { iss: "someone".into(), ..claims.clone() }, TEST_SECRET);
    assert_eq!((claims.iss.as_str(), claims.aud.as_str(), claims.typ.as_str()), (ISSUER, AUDIENCE, TOKEN_TYPE));

    for (what, auth) in [
        ("no token", None),
        ("garbage", Some("Bearer not.a.jwt".to_string())),
        ("wrong scheme", Some(format!("Basic {jwt}"))),
        ("expired", Some(format!("Bearer {expired}"))),
        ("wrong key", Some(format!("Bearer {wrong_key}"))),
        ("tampered", Some(format!("Bearer {other_org}"))),
        ("alg none", Some(format!("Bearer {alg_none}"))),
        ("alg switch", Some(format!("Bearer {alg_switch}"))),
        ("unknown jti", Some(format!("Bearer {unknown_jti}"))),
        ("wrong type", Some(format!("Bearer {wrong_type}"))),
        ("wrong issuer", Some(format!("Bearer {wrong_issuer}"))),
    ] {
        let res = call(auth).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{what}");
        assert!(res.headers().contains_key("www-authenticate"), "{what}");
    }

    assert_eq!(
        session.delete(app.url(&format!("/api/tokens/{id}"))).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(call(Some(format!("Bearer {jwt}"))).await.unwrap().status(), StatusCode::UNAUTHORIZED, "revoked");
    let meta: Value = session.get(app.url(&format!("/api/tokens/{id}"))).send().await.unwrap().json().await.unwrap();
    assert!(meta["revokedAt"].is_string());
    // A bad Authorization header is not rescued by a valid session cookie.
    let res = session.get(app.url("/api/surveys")).header("authorization", "Bearer nope").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn another_organisations_token_sees_nothing() {
    let app = spawn_app().await;
    let alice = app.signed_in("Alice").await;
    let bob = app.signed_in("Bob").await;
    let survey = app.published_survey(&alice).await;
    let res = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
        .json(&json!({"answers": {"q1": 7}}))
        .send()
        .await
        .unwrap();
    let response_id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let (alice_token_id, _) = create_token(&app, &alice, &["surveys:read"]).await;
    let all = ["surveys:read", "surveys:write", "responses:read", "responses:write"];
    let (_, bobs) = create_token(&app, &bob, &all).await;
    let api = plain_client();
    let bob_call = |method: reqwest::Method, path: String| api.request(method, app.url(&path)).bearer_auth(&bobs);

    use reqwest::Method;
    for (method, path) in [
        (Method::GET, format!("/api/surveys/{survey}")),
        (Method::PATCH, format!("/api/surveys/{survey}")),
        (Method::DELETE, format!("/api/surveys/{survey}")),
        (Method::GET, format!("/api/surveys/{survey}/responses")),
        (Method::GET, format!("/api/responses/{response_id}")),
        (Method::DELETE, format!("/api/responses/{response_id}")),
    ] {
        let res = bob_call(method.clone(), path.clone()).json(&json!({"name": "pwned"})).send().await.unwrap();
        expect_problem(res, 404).await;
    }
    // Bob's session cannot see Alice's tokens either.
    expect_problem(bob.get(app.url(&format!("/api/tokens/{alice_token_id}"))).send().await.unwrap(), 404).await;
    expect_problem(bob.delete(app.url(&format!("/api/tokens/{alice_token_id}"))).send().await.unwrap(), 404).await;
    let list: Value = bob_call(Method::GET, "/api/surveys".into()).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["meta"]["total"], 0);
    // Nothing changed for Alice.
    let still: Value =
        alice.get(app.url(&format!("/api/responses/{response_id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(still["answers"]["q1"], 7);
    let survey_now: Value =
        alice.get(app.url(&format!("/api/surveys/{survey}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(survey_now["name"], "After checkout");
}

#[tokio::test]
async fn revocation_reaches_every_replica() {
    let a = spawn_app().await;
    let b = spawn_replica(&a).await;
    let session = a.signed_in("Acme").await;
    let (id, jwt) = create_token(&a, &session, &["surveys:read"]).await;
    let api = plain_client();
    // Created on A a moment ago, usable on B at once.
    assert_eq!(api.get(b.url("/api/surveys")).bearer_auth(&jwt).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        session.delete(a.url(&format!("/api/tokens/{id}"))).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        api.get(a.url("/api/surveys")).bearer_auth(&jwt).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    // B learns of it at its next refresh (every 2 s); allow generous slack on a busy machine.
    let mut refused = false;
    for _ in 0..50 {
        if api.get(b.url("/api/surveys")).bearer_auth(&jwt).send().await.unwrap().status() == StatusCode::UNAUTHORIZED {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(refused, "replica B still accepts a revoked token after 10 s");
}

#[tokio::test]
async fn if_match_protects_concurrent_survey_edits() {
    let app = spawn_app().await;
    let session = app.signed_in("Acme").await;
    let survey = app.published_survey(&session).await;
    let path = format!("/api/surveys/{survey}");
    let res = session.get(app.url(&path)).send().await.unwrap();
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let first =
        session.patch(app.url(&path)).header("if-match", &etag).json(&json!({"name": "Mine"})).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_ne!(first.headers()["etag"].to_str().unwrap(), etag);
    let second =
        session.patch(app.url(&path)).header("if-match", &etag).json(&json!({"name": "Theirs"})).send().await.unwrap();
    expect_problem(second, 412).await;
    let now: Value = session.get(app.url(&path)).send().await.unwrap().json().await.unwrap();
    assert_eq!(now["name"], "Mine");
    let bad =
        session.patch(app.url(&path)).header("if-match", "yesterday").json(&json!({"name": "x"})).send().await.unwrap();
    expect_problem(bad, 422).await;
}

#[tokio::test]
async fn use_is_recorded_in_batches_not_per_request() {
    let app = spawn_app().await;
    let session = app.signed_in("Acme").await;
    let (id, jwt) = create_token(&app, &session, &["surveys:read"]).await;
    let meta = |session: reqwest::Client| {
        let url = app.url(&format!("/api/tokens/{id}"));
        async move { session.get(url).send().await.unwrap().json::<Value>().await.unwrap() }
    };
    assert!(meta(session.clone()).await["lastUsedAt"].is_null());
    for _ in 0..3 {
        assert_eq!(
            plain_client().get(app.url("/api/surveys")).bearer_auth(&jwt).send().await.unwrap().status(),
            StatusCode::OK
        );
    }
    // Nothing written yet: uses are collected in memory...
    assert!(meta(session.clone()).await["lastUsedAt"].is_null());
    // ...and written by the periodic flush (run here directly instead of waiting for it).
    app.state.tokens.flush_last_used(&app.state.db).await.unwrap();
    assert!(meta(session.clone()).await["lastUsedAt"].is_string());
}

#[tokio::test]
async fn every_endpoint_requires_its_own_scope() {
    use reqwest::Method;
    let app = spawn_app().await;
    let session = app.signed_in("Acme").await;
    let survey = app.published_survey(&session).await;
    let res = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
        .json(&json!({"answers": {"q1": 7}}))
        .send()
        .await
        .unwrap();
    let response = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let all = [
        "surveys:read",
        "surveys:write",
        "responses:read",
        "responses:write",
        "webhooks:read",
        "webhooks:write",
        "events:read",
        "events:write",
        "contacts:read",
        "contacts:write",
        "distributions:write",
    ];
    let endpoints = [
        (Method::GET, "/api/surveys".to_string(), "surveys:read"),
        (Method::POST, "/api/surveys".to_string(), "surveys:write"),
        (Method::GET, format!("/api/surveys/{survey}"), "surveys:read"),
        (Method::PATCH, format!("/api/surveys/{survey}"), "surveys:write"),
        (Method::DELETE, format!("/api/surveys/{survey}"), "surveys:write"),
        (Method::GET, format!("/api/surveys/{survey}/responses"), "responses:read"),
        (Method::GET, format!("/api/responses/{response}"), "responses:read"),
        (Method::DELETE, format!("/api/responses/{response}"), "responses:write"),
    ];
    for (method, path, needed) in endpoints {
        let others: Vec<&str> = all.iter().copied().filter(|s| *s != needed).collect();
        let (_, token) = create_token(&app, &session, &others).await;
        let res = plain_client()
            .request(method.clone(), app.url(&path))
            .bearer_auth(&token)
            .json(&json!({"name": "Renamed", "questions": []}))
            .send()
            .await
            .unwrap();
        let problem = expect_problem(res, 403).await;
        assert!(problem["detail"].as_str().unwrap().contains(needed), "{method} {path}: {problem}");
    }
    // Nothing was changed by the refused calls.
    let still: Value =
        session.get(app.url(&format!("/api/surveys/{survey}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(still["name"], "After checkout");
    assert_eq!(
        session.get(app.url(&format!("/api/responses/{response}"))).send().await.unwrap().status(),
        StatusCode::OK
    );
    // Token management is for sessions only, whatever the token's scopes.
    let (_, everything) = create_token(&app, &session, &all).await;
    for (method, path) in [(Method::GET, "/api/tokens"), (Method::POST, "/api/tokens")] {
        let res = plain_client()
            .request(method, app.url(path))
            .bearer_auth(&everything)
            .json(&json!({"title": "t", "scopes": ["surveys:read"]}))
            .send()
            .await
            .unwrap();
        expect_problem(res, 403).await;
    }
}
