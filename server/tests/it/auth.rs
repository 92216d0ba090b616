//! Accounts: sign-up, sign-in, sign-out, throttling, and bad input.

use crate::common::{expect_problem, problem_fields, spawn_app};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn signup_creates_a_session_with_a_safe_cookie() {
    let app = spawn_app().await;
    let client = app.client();
    let res = client
        .post(app.url("/api/auth/signup"))
        .json(&json!({"email": "Ada@Example.com", "password": "a long password", "organizationName": "Acme"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    for attribute in ["vox_session=", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} missing in {cookie}");
    }
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["email"], "ada@example.com");
    assert_eq!(body["organization"]["name"], "Acme");
    assert!(body["organization"]["id"].as_str().unwrap().starts_with("org_"));
    // The session works.
    let res = client.get(app.url("/api/surveys")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn duplicate_email_is_a_conflict_and_changes_nothing() {
    let app = spawn_app().await;
    let body = json!({"email": "dup@example.com", "password": "a long password", "organizationName": "One"});
    let first = app.client().post(app.url("/api/auth/signup")).json(&body).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let again = json!({"email": "DUP@example.com", "password": "another password", "organizationName": "Two"});
    let res = app.client().post(app.url("/api/auth/signup")).json(&again).send().await.unwrap();
    let problem = expect_problem(res, 409).await;
    assert_eq!(problem["code"], "email_taken");
    // The first password still works; the second never took.
    let login = |pw: &str| {
        app.client().post(app.url("/api/auth/login")).json(&json!({"email": "dup@example.com", "password": pw})).send()
    };
    assert_eq!(login("a long password").await.unwrap().status(), StatusCode::OK);
    assert_eq!(login("another password").await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn signup_validation_names_every_field() {
    let app = spawn_app().await;
    let res = app
        .client()
        .post(app.url("/api/auth/signup"))
        .json(&json!({"email": "not-an-email", "password": "short", "organizationName": ""}))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(res, 422).await;
    let fields = problem_fields(&problem);
    for f in ["email", "password", "organizationName"] {
        assert!(fields.contains(&f.to_string()), "{f} in {fields:?}");
    }
}

#[tokio::test]
async fn malformed_and_mistyped_bodies_are_clear_errors() {
    let app = spawn_app().await;
    let post = |body: &'static str, content_type: &'static str| {
        app.client().post(app.url("/api/auth/signup")).header("content-type", content_type).body(body).send()
    };
    let problem = expect_problem(post("{not json", "application/json").await.unwrap(), 400).await;
    assert_eq!(problem["code"], "malformed_json");
    let problem = expect_problem(
        post(r#"{"email": 5, "password": "x", "organizationName": "y"}"#, "application/json").await.unwrap(),
        422,
    )
    .await;
    assert_eq!(problem_fields(&problem), vec!["email"]);
    let problem = expect_problem(
        post(r#"{"password": "a long password", "organizationName": "y"}"#, "application/json").await.unwrap(),
        422,
    )
    .await;
    assert_eq!(problem_fields(&problem), vec!["email"]);
    let problem = expect_problem(post("email=a", "application/x-www-form-urlencoded").await.unwrap(), 400).await;
    assert_eq!(problem["code"], "unsupported_media_type");
}

#[tokio::test]
async fn login_logout_and_wrong_password() {
    let app = spawn_app().await;
    let body = json!({"email": "lin@example.com", "password": "a long password", "organizationName": "L"});
    app.client().post(app.url("/api/auth/signup")).json(&body).send().await.unwrap();

    let client = app.client();
    let wrong = client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "lin@example.com", "password": "nope nope nope"}))
        .send()
        .await
        .unwrap();
    expect_problem(wrong, 401).await;
    let unknown = client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "who@example.com", "password": "nope nope nope"}))
        .send()
        .await
        .unwrap();
    expect_problem(unknown, 401).await;

    let ok = client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "lin@example.com", "password": "a long password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(client.get(app.url("/api/surveys")).send().await.unwrap().status(), StatusCode::OK);

    let out = client.post(app.url("/api/auth/logout")).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    expect_problem(client.get(app.url("/api/surveys")).send().await.unwrap(), 401).await;
}

#[tokio::test]
async fn repeated_failures_throttle_sign_in_for_that_email() {
    let app = spawn_app().await;
    let body = json!({"email": "t@example.com", "password": "a long password", "organizationName": "T"});
    app.client().post(app.url("/api/auth/signup")).json(&body).send().await.unwrap();
    let attempt = |pw: &'static str| {
        app.client().post(app.url("/api/auth/login")).json(&json!({"email": "t@example.com", "password": pw})).send()
    };
    for _ in 0..5 {
        assert_eq!(attempt("wrong password").await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused while throttled.
    let res = attempt("a long password").await.unwrap();
    let retry_after: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry_after > 0 && retry_after <= 15 * 60);
    expect_problem(res, 429).await;
}

#[tokio::test]
async fn input_that_databases_cannot_store_is_refused_cleanly() {
    let app = spawn_app().await;
    let client = app.client();
    let res = client
        .post(app.url("/api/auth/signup"))
        .json(&json!({"email": "nul@example.com", "password": "a long password", "organizationName": "Ac\u{0}me"}))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), vec!["organizationName"]);
    let long_email = format!("{}@example.com", "a".repeat(5000));
    for email in ["x\u{0}y@example.com".to_string(), long_email] {
        let res = client
            .post(app.url("/api/auth/login"))
            .json(&json!({"email": email, "password": "whatever it is"}))
            .send()
            .await
            .unwrap();
        expect_problem(res, 401).await;
    }
    let owner = app.signed_in("Acme").await;
    let res = owner
        .post(app.url("/api/surveys"))
        .json(&json!({"name": "bad\u{0}name", "questions": []}))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), vec!["name"]);
}
