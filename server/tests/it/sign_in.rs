//! Signing in against a hostile world: one throttle in front of every secret
//! check (per account and address, per address, per account across
//! addresses with the owner's browsers exempt), two-factor sign-in with a
//! real TOTP computed here, password reset by email and password change.

use crate::common;
use crate::common::{
    client_from, confirm_email, expect_problem, link_in, now_secs, problem_fields, rpc, spawn_app_with,
    spawn_app_with_mail, totp_code, unique_email, TestApp,
};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

const PASSWORD: &str = "the owner's long password";

async fn trusting_proxy() -> TestApp {
    spawn_app_with(|c| c.trust_proxy = true).await
}

fn retry_after(res: &reqwest::Response) -> u64 {
    res.headers()["retry-after"].to_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn an_attacker_at_one_address_slows_only_himself_not_the_owner() {
    let app = trusting_proxy().await;
    let email = unique_email("owner");
    app.sign_up_as(&email, PASSWORD, "Victim").await;
    let attacker = client_from("203.0.113.7");
    for _ in 0..5 {
        expect_problem(app.log_in(&attacker, &email, "a wrong guess!").await, 401).await;
    }
    // Now each guess from there waits longer: even the right password is refused meanwhile.
    let res = app.log_in(&attacker, &email, PASSWORD).await;
    assert_eq!(retry_after(&res), 1);
    expect_problem(res, 429).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    expect_problem(app.log_in(&attacker, &email, "a wrong guess!").await, 401).await;
    let res = app.log_in(&attacker, &email, "a wrong guess!").await;
    assert_eq!(retry_after(&res), 2, "the delay doubles");
    expect_problem(res, 429).await;

    // The owner, at another address, is not slowed at all.
    let owner = client_from("198.51.100.9");
    let res = app.log_in(&owner, &email, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    assert_eq!(owner.get(app.url("/api/surveys")).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn a_distributed_attack_waits_but_the_owners_own_browser_gets_in() {
    let app = trusting_proxy().await;
    let email = unique_email("owner");
    app.sign_up_as(&email, PASSWORD, "Victim").await;
    // The owner signed in from this browser before: it now carries a device cookie.
    let owners_browser = client_from("198.51.100.9");
    assert_eq!(app.log_in(&owners_browser, &email, PASSWORD).await.status(), StatusCode::OK);
    // Guesses from many addresses, one each.
    for i in 1..=10 {
        let res = app.log_in(&client_from(&format!("203.0.113.{i}")), &email, "a wrong guess!").await;
        expect_problem(res, 401).await;
    }
    // A browser never seen before waits, wherever it is...
    let res = app.log_in(&client_from("192.0.2.50"), &email, PASSWORD).await;
    assert!(retry_after(&res) >= 1);
    expect_problem(res, 429).await;
    // ...but the owner's own browser is let through, from a new address too.
    let res = app.log_in(&owners_browser, &email, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
}

#[tokio::test]
async fn password_spraying_from_one_address_slows_down() {
    let app = trusting_proxy().await;
    let sprayer = client_from("203.0.113.99");
    let mut refused = None;
    for i in 0..40 {
        let res = app.log_in(&sprayer, &format!("user{i}@example.com"), "Summer2026!!").await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(i);
            break;
        }
        expect_problem(res, 401).await;
    }
    assert_eq!(refused, Some(30), "30 failures across accounts, then the address waits");
}

#[tokio::test]
async fn changing_the_password_checks_the_current_one_behind_the_same_throttle() {
    let app = trusting_proxy().await;
    let email = unique_email("changer");
    let session = client_from("198.51.100.20");
    let res = session
        .post(app.url("/api/auth/signup"))
        .json(&json!({"email": email, "password": PASSWORD, "organizationName": "C"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let elsewhere = client_from("198.51.100.21");
    assert_eq!(app.log_in(&elsewhere, &email, PASSWORD).await.status(), StatusCode::OK);
    let change = |current: &'static str| {
        session
            .post(app.url("/api/auth/password"))
            .json(&json!({"currentPassword": current, "newPassword": "a brand new password"}))
            .send()
    };
    let res = change("not the password").await.unwrap();
    let problem = expect_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), vec!["currentPassword"]);
    for _ in 0..4 {
        expect_problem(change("not the password").await.unwrap(), 422).await;
    }
    expect_problem(change(PASSWORD).await.unwrap(), 429).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(change(PASSWORD).await.unwrap().status(), StatusCode::NO_CONTENT);
    // This session goes on; the other one ended; the new password works.
    assert_eq!(session.get(app.url("/api/surveys")).send().await.unwrap().status(), StatusCode::OK);
    expect_problem(elsewhere.get(app.url("/api/surveys")).send().await.unwrap(), 401).await;
    expect_problem(app.log_in(&client_from("198.51.100.22"), &email, PASSWORD).await, 401).await;
    let res = app.log_in(&client_from("198.51.100.23"), &email, "a brand new password").await;
    assert_eq!(res.status(), StatusCode::OK);
    // The rules for new passwords hold.
    let res = session
        .post(app.url("/api/auth/password"))
        .json(&json!({"currentPassword": "a brand new password", "newPassword": "short"}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["newPassword"]);
}

async fn reset_request(app: &TestApp, email: &str) -> (StatusCode, String) {
    let res =
        app.client().post(app.url("/api/auth/password-reset")).json(&json!({"email": email})).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn a_reset_link_by_email_sets_a_new_password_once_and_ends_every_session() {
    let (app, sink) = spawn_app_with_mail().await;
    let email = unique_email("forgetful");
    let old_session = app.sign_up_as(&email, PASSWORD, "F").await;

    // The same answer whether or not the address has an account; only a real one gets mail.
    let nobody = unique_email("nobody");
    assert_eq!(reset_request(&app, &email).await, reset_request(&app, &nobody).await);
    assert_eq!(reset_request(&app, &email).await.0, StatusCode::ACCEPTED);
    let messages = sink.wait_for_link(&email, "/reset-password/", 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(sink.messages_to(&nobody).await.is_empty());
    let first = link_in(&messages[0], "/reset-password/");
    let second = link_in(&messages[1], "/reset-password/");
    let token = second.rsplit('/').next().unwrap().to_string();

    // Only a hash of the token is stored.
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT token_hash FROM password_resets").fetch_all(app.state.db.pool()).await.unwrap();
    assert!(stored.iter().all(|h| !h.contains(&token) && h.len() == 64), "{stored:?}");

    // The page behind the link renders, and the new password must follow the rules.
    let page = app.client().get(&second).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer", "the token never leaks in a Referer");
    let confirm = |token: String, password: &'static str| {
        app.client()
            .post(app.url("/api/auth/password-reset/confirm"))
            .json(&json!({"token": token, "password": password}))
            .send()
    };
    let problem = expect_problem(confirm(token.clone(), "short").await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["password"]);
    assert_eq!(confirm(token.clone(), "a new long password").await.unwrap().status(), StatusCode::NO_CONTENT);

    // Used once; the older link died with it; every session ended; only the new password works.
    expect_problem(confirm(token, "another long password").await.unwrap(), 404).await;
    let first_token = first.rsplit('/').next().unwrap().to_string();
    expect_problem(confirm(first_token, "another long password").await.unwrap(), 404).await;
    expect_problem(old_session.get(app.url("/api/surveys")).send().await.unwrap(), 401).await;
    expect_problem(app.log_in(&app.client(), &email, PASSWORD).await, 401).await;
    assert_eq!(app.log_in(&app.client(), &email, "a new long password").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn reset_links_expire_and_are_not_sent_more_than_three_times_an_hour() {
    let (app, sink) = spawn_app_with_mail().await;
    let email = unique_email("impatient");
    app.sign_up_as(&email, PASSWORD, "I").await;
    for _ in 0..5 {
        assert_eq!(reset_request(&app, &email).await.0, StatusCode::ACCEPTED);
    }
    let messages = sink.wait_for_link(&email, "/reset-password/", 3).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        sink.wait_for_link(&email, "/reset-password/", 0).await.len(),
        3,
        "no mail bombing through the reset form"
    );
    sqlx::query("UPDATE password_resets SET expires_at = 0").execute(app.state.db.pool()).await.unwrap();
    let token = link_in(&messages[0], "/reset-password/").rsplit('/').next().unwrap().to_string();
    let res = app
        .client()
        .post(app.url("/api/auth/password-reset/confirm"))
        .json(&json!({"token": token, "password": "a new long password"}))
        .send()
        .await
        .unwrap();
    expect_problem(res, 404).await;
}

/// Turns two-factor sign-in on for the session's account; returns the
/// secret and the recovery codes.
async fn enable_two_factor(app: &TestApp, session: &Client) -> (String, Vec<String>) {
    let setup: Value = session.post(app.url("/api/auth/two-factor/setup")).send().await.unwrap().json().await.unwrap();
    let secret = setup["secret"].as_str().unwrap().to_string();
    assert!(setup["otpauthUrl"].as_str().unwrap().starts_with("otpauth://totp/Vox%3A"));
    assert!(setup["qrImage"].as_str().unwrap().starts_with("data:image/svg+xml;base64,"));
    let code = totp_code(&secret, now_secs());
    // A code that is not the app's is refused.
    let wrong: String = code.chars().map(|c| if c == '9' { '0' } else { char::from(c as u8 + 1) }).collect();
    let res = session.post(app.url("/api/auth/two-factor/enable")).json(&json!({"code": wrong})).send().await.unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["code"]);
    let res = session.post(app.url("/api/auth/two-factor/enable")).json(&json!({"code": code})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let codes: Vec<String> = res.json::<Value>().await.unwrap()["recoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

async fn second_factor(app: &TestApp, client: &Client, ticket: &str, code: &str) -> reqwest::Response {
    client
        .post(app.url("/api/auth/login/second-factor"))
        .json(&json!({"ticket": ticket, "code": code}))
        .send()
        .await
        .unwrap()
}

async fn ticket(app: &TestApp, client: &Client, email: &str) -> String {
    let problem = expect_problem(app.log_in(client, email, PASSWORD).await, 401).await;
    assert_eq!(problem["code"], "second_factor_required");
    problem["ticket"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn two_factor_sign_in_with_a_real_authenticator_code_and_recovery_codes() {
    let app = trusting_proxy().await;
    let email = unique_email("careful");
    let session = app.sign_up_as(&email, PASSWORD, "Careful").await;
    confirm_email(&app, &email).await;
    let (secret, recovery) = enable_two_factor(&app, &session).await;
    let status: Value = session.get(app.url("/api/auth/two-factor")).send().await.unwrap().json().await.unwrap();
    assert_eq!(status["enabled"], true);
    assert_eq!(status["recoveryCodesLeft"], 10);

    // The password alone opens nothing.
    let browser = client_from("198.51.100.30");
    let ticket = ticket(&app, &browser, &email).await;
    expect_problem(browser.get(app.url("/api/surveys")).send().await.unwrap(), 401).await;
    expect_problem(second_factor(&app, &browser, &ticket, "123456").await, 401).await;
    expect_problem(second_factor(&app, &browser, "usr_x~99999999999999.forged", "123456").await, 401).await;
    // The next step's code (the one used to turn it on is spent).
    let code = totp_code(&secret, now_secs() + 30);
    let res = second_factor(&app, &browser, &ticket, &code).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    assert_eq!(browser.get(app.url("/api/surveys")).send().await.unwrap().status(), StatusCode::OK);
    // A code works once.
    let again = client_from("198.51.100.31");
    let ticket2 = self::ticket(&app, &again, &email).await;
    expect_problem(second_factor(&app, &again, &ticket2, &code).await, 401).await;
    // A recovery code works once, in any format.
    let spaced = recovery[0].to_uppercase().replace('-', " ");
    assert_eq!(second_factor(&app, &again, &ticket2, &spaced).await.status(), StatusCode::OK);
    let third = client_from("198.51.100.32");
    let ticket3 = self::ticket(&app, &third, &email).await;
    expect_problem(second_factor(&app, &third, &ticket3, &recovery[0]).await, 401).await;
    let status: Value = session.get(app.url("/api/auth/two-factor")).send().await.unwrap().json().await.unwrap();
    assert_eq!(status["recoveryCodesLeft"], 9);

    // New recovery codes replace the old ones; turning it off needs the password.
    let res = session
        .post(app.url("/api/auth/two-factor/recovery-codes"))
        .json(&json!({"password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    expect_problem(second_factor(&app, &third, &ticket3, &recovery[1]).await, 401).await;
    let res = session
        .post(app.url("/api/auth/two-factor/disable"))
        .json(&json!({"password": "not it at all"}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["password"]);
    let res = session
        .post(app.url("/api/auth/two-factor/disable"))
        .json(&json!({"password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.log_in(&client_from("198.51.100.33"), &email, PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn guessing_second_factor_codes_is_throttled_like_passwords() {
    let app = trusting_proxy().await;
    let email = unique_email("guessed");
    let session = app.sign_up_as(&email, PASSWORD, "G").await;
    confirm_email(&app, &email).await;
    let (secret, _) = enable_two_factor(&app, &session).await;
    // Someone who knows the password, guessing codes from one address.
    let attacker = client_from("203.0.113.66");
    let ticket = ticket(&app, &attacker, &email).await;
    for guess in ["111111", "222222", "333333", "444444", "555555"] {
        expect_problem(second_factor(&app, &attacker, &ticket, guess).await, 401).await;
    }
    let right = totp_code(&secret, now_secs() + 30);
    expect_problem(second_factor(&app, &attacker, &ticket, &right).await, 429).await;
}

#[tokio::test]
async fn an_organisation_that_requires_two_factor_holds_back_members_without_it() {
    let (app, sink) = spawn_app_with_mail().await;
    let owner_email = unique_email("owner");
    let owner = app.sign_up_as(&owner_email, PASSWORD, "Strict").await;
    let require = |on: bool| owner.put(app.url("/api/settings/security")).json(&json!({"requireTwoFactor": on})).send();
    // Not before the owner has it: they would lock themselves out.
    let problem = expect_problem(require(true).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["requireTwoFactor"]);
    let member = common::join_by_email(&app, &sink, &owner, &unique_email("member"), "admin").await;
    let (_, token) = common::create_token(&app, &member, &["surveys:read"]).await;
    confirm_email(&app, &owner_email).await;
    enable_two_factor(&app, &owner).await;
    // Only owners set the policy.
    let res =
        member.put(app.url("/api/settings/security")).json(&json!({"requireTwoFactor": true})).send().await.unwrap();
    expect_problem(res, 403).await;
    assert_eq!(require(true).await.unwrap().status(), StatusCode::OK);

    // The member is held back everywhere but setting it up.
    let problem = expect_problem(member.get(app.url("/api/surveys")).send().await.unwrap(), 403).await;
    assert_eq!(problem["code"], "two_factor_setup_required");
    let res = rpc(&member, &app, "list_members", &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let page = member.get(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(page.headers()["location"], "/dashboard/profile");
    let problem = expect_problem(
        common::plain_client().get(app.url("/api/surveys")).bearer_auth(&token).send().await.unwrap(),
        403,
    )
    .await;
    assert_eq!(problem["code"], "two_factor_setup_required", "their tokens wait too");

    // Once set up, everything works again (joining by the emailed link confirmed the member's address).
    enable_two_factor(&app, &member).await;
    assert_eq!(member.get(app.url("/api/surveys")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        common::plain_client().get(app.url("/api/surveys")).bearer_auth(&token).send().await.unwrap().status(),
        StatusCode::OK
    );
    // And nobody in the organisation may turn it off while it is required.
    let res = member
        .post(app.url("/api/auth/two-factor/disable"))
        .json(&json!({"password": "a long new password"}))
        .send()
        .await
        .unwrap();
    expect_problem(res, 409).await;
}

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
