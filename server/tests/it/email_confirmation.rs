//! Proof of address: the confirmation link sign-up emails, two-factor
//! sign-in that waits for it, and the owner of an address taking back an
//! account someone else opened with it (README "Security").

use super::sign_in::{enable_two_factor, reset_request, retry_after, PASSWORD};
use crate::common;
use crate::common::{confirm_email, expect_problem, link_in, spawn_app_with_mail, unique_email, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn two_factor_setup(app: &TestApp, session: &Client) -> reqwest::Response {
    session.post(app.url("/api/auth/two-factor/setup")).send().await.unwrap()
}

async fn email_confirmed(app: &TestApp, session: &Client) -> bool {
    let status: Value = session.get(app.url("/api/auth/two-factor")).send().await.unwrap().json().await.unwrap();
    status["emailConfirmed"].as_bool().unwrap()
}

#[tokio::test]
async fn two_factor_waits_for_an_address_confirmed_by_its_emailed_link() {
    let (app, sink) = spawn_app_with_mail().await;
    let email = unique_email("claimant");
    let session = app.sign_up_as(&email, PASSWORD, "Claimant").await;
    let problem = expect_problem(two_factor_setup(&app, &session).await, 409).await;
    assert_eq!(problem["code"], "email_unconfirmed");
    assert!(!email_confirmed(&app, &session).await);

    // Sign-up sent a link; two more may be asked for in a day, then no more.
    let link = link_in(&sink.wait_for_link(&email, "/confirm-email/", 1).await[0], "/confirm-email/");
    let resend = || session.post(app.url("/api/auth/email-confirmation")).send();
    for _ in 0..2 {
        assert_eq!(resend().await.unwrap().status(), StatusCode::ACCEPTED);
    }
    let limited = resend().await.unwrap();
    assert!(retry_after(&limited) > 0);
    expect_problem(limited, 429).await;
    sink.wait_for_link(&email, "/confirm-email/", 3).await;

    // The page behind the link renders and never leaks it in a Referer.
    let page = app.client().get(&link).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");

    // Forged and expired tokens confirm nothing; the real one does, and a second click is harmless.
    let confirm = |token: String| {
        app.client().post(app.url("/api/auth/email-confirmation/confirm")).json(&json!({"token": token})).send()
    };
    let token = link.rsplit('/').next().unwrap().to_string();
    expect_problem(confirm(token.replacen("usr_", "usr_x", 1)).await.unwrap(), 404).await;
    let user_id: String = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(&email)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let eight_days_ago = app::backend::db::now_ms() - 8 * 24 * 3600 * 1000;
    let expired = app::backend::services::organization::email_confirmation::link_token(
        &app.state,
        &user_id,
        &email,
        eight_days_ago,
    );
    expect_problem(confirm(expired).await.unwrap(), 404).await;
    assert!(!email_confirmed(&app, &session).await);
    assert_eq!(confirm(token.clone()).await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(confirm(token).await.unwrap().status(), StatusCode::NO_CONTENT);
    assert!(email_confirmed(&app, &session).await);
    let problem = expect_problem(resend().await.unwrap(), 409).await;
    assert_eq!(problem["code"], "email_confirmed");

    // Now a second factor can be set up, and the audit log has the confirmation.
    enable_two_factor(&app, &session).await;
    let log: Value =
        session.get(app.url("/api/audit-log?action=email.confirmed")).send().await.unwrap().json().await.unwrap();
    assert_eq!(log["data"].as_array().unwrap().len(), 1, "{log}");
}

/// Asking for a confirmation email acts on the signed-in person's own account,
/// so no API token may ask, whatever its scopes (there is no organisation in
/// the request to cross: the account is the caller's).
#[tokio::test]
async fn no_api_token_can_ask_for_an_address_confirmation() {
    let (app, sink) = spawn_app_with_mail().await;
    let email = unique_email("token-holder");
    let session = app.sign_up_as(&email, PASSWORD, "Token Holders").await;
    sink.wait_for_link(&email, "/confirm-email/", 1).await;
    let every_scope: Vec<&str> = app::domain::scope::Scope::ALL.iter().map(|scope| scope.as_str()).collect();
    let (_, token) = common::create_token(&app, &session, &every_scope).await;
    let asked =
        common::plain_client().post(app.url("/api/auth/email-confirmation")).bearer_auth(&token).send().await.unwrap();
    expect_problem(asked, 403).await;
    // The session still may: the refusal was about the credential, not the quota.
    let asked = session.post(app.url("/api/auth/email-confirmation")).send().await.unwrap();
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    sink.wait_for_link(&email, "/confirm-email/", 2).await;
}

#[tokio::test]
async fn the_owner_of_an_address_takes_back_an_account_someone_else_opened_with_it() {
    let (app, sink) = spawn_app_with_mail().await;
    let owner = unique_email("owner");
    let squatter = app.sign_up_as(&owner, "the squatter's password", "Squatters").await;
    // The owner hears of it: the confirmation email says what to do.
    let notice = &sink.wait_for_link(&owner, "/confirm-email/", 1).await[0];
    assert!(notice["text"].as_str().unwrap().contains("Forgot your password?"), "{notice}");
    // Without the mailbox the squatter cannot set up a second factor; he keeps an API token.
    expect_problem(two_factor_setup(&app, &squatter).await, 409).await;
    let (_, token) = common::create_token(&app, &squatter, &["surveys:read"]).await;
    let with_token = || common::plain_client().get(app.url("/api/surveys")).bearer_auth(&token).send();
    assert_eq!(with_token().await.unwrap().status(), StatusCode::OK);
    // A second factor from before confirmation was required for it (an older release).
    sqlx::query("UPDATE users SET totp_secret_sealed = 'sealed', totp_enabled_at = 1 WHERE email = $1")
        .bind(&owner)
        .execute(app.state.db.pool())
        .await
        .unwrap();

    // The owner resets the password through the emailed link.
    assert_eq!(reset_request(&app, &owner).await.0, StatusCode::ACCEPTED);
    let reset = link_in(&sink.wait_for_link(&owner, "/reset-password/", 1).await[0], "/reset-password/");
    let res = app
        .client()
        .post(app.url("/api/auth/password-reset/confirm"))
        .json(&json!({"token": reset.rsplit('/').next().unwrap(), "password": "the owner's own password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    // Everything the squatter held is gone; the owner is in, with the address proven.
    expect_problem(squatter.get(app.url("/api/surveys")).send().await.unwrap(), 401).await;
    expect_problem(with_token().await.unwrap(), 401).await;
    let browser = app.client();
    let res = app.log_in(&browser, &owner, "the owner's own password").await;
    assert_eq!(res.status(), StatusCode::OK, "no second factor of the squatter's stands in the way");
    assert!(email_confirmed(&app, &browser).await);
    expect_problem(app.log_in(&app.client(), &owner, "the squatter's password").await, 401).await;
}

#[tokio::test]
async fn a_reset_of_a_proven_address_keeps_the_tokens_and_the_second_factor() {
    let (app, sink) = spawn_app_with_mail().await;
    let email = unique_email("proven");
    let session = app.sign_up_as(&email, PASSWORD, "Proven").await;
    confirm_email(&app, &email).await;
    enable_two_factor(&app, &session).await;
    let (_, token) = common::create_token(&app, &session, &["surveys:read"]).await;
    assert_eq!(reset_request(&app, &email).await.0, StatusCode::ACCEPTED);
    let reset = link_in(&sink.wait_for_link(&email, "/reset-password/", 1).await[0], "/reset-password/");
    let res = app
        .client()
        .post(app.url("/api/auth/password-reset/confirm"))
        .json(&json!({"token": reset.rsplit('/').next().unwrap(), "password": "a new long password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // The mailbox alone does not get past the second factor, and the owner's integrations keep working.
    let problem = expect_problem(app.log_in(&app.client(), &email, "a new long password").await, 401).await;
    assert_eq!(problem["code"], "second_factor_required");
    let res = common::plain_client().get(app.url("/api/surveys")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}
