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

pub(super) const PASSWORD: &str = "the owner's long password";

async fn trusting_proxy() -> TestApp {
    spawn_app_with(|c| c.trust_proxy = true).await
}

pub(super) fn retry_after(res: &reqwest::Response) -> u64 {
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

pub(super) async fn reset_request(app: &TestApp, email: &str) -> (StatusCode, String) {
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
pub(super) async fn enable_two_factor(app: &TestApp, session: &Client) -> (String, Vec<String>) {
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
