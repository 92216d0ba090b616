//! Members and roles: invitations that reach only the invitee, joining with
//! a proven address, what a viewer may not do (enforced on the server,
//! whatever the request), the last owner, and API tokens that act for their
//! member: they stop with the membership and follow the member's role.

use crate::common;
use crate::common::{
    create_token, expect_problem, invitation_token, join_by_email, plain_client, rpc, spawn_app_with_mail,
    spawn_replica, unique_email, TestApp,
};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn member_id(app: &TestApp, owner: &Client, email: &str) -> String {
    let members: Value = rpc(owner, app, "list_members", &[]).await.json().await.unwrap();
    members["members"].as_array().unwrap().iter().find(|m| m["email"] == email).unwrap()["userId"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_viewer_reads_but_every_change_is_refused_on_the_server() {
    let (app, sink) = spawn_app_with_mail().await;
    let owner = app.signed_in("Roles").await;
    let survey = app.published_survey(&owner).await;
    let email = unique_email("viewer");
    let viewer = join_by_email(&app, &sink, &owner, &email, "viewer").await;

    let members: Value = rpc(&owner, &app, "list_members", &[]).await.json().await.unwrap();
    assert_eq!(members["members"].as_array().unwrap().len(), 2);
    assert_eq!(members["members"][1]["role"], "viewer");

    // Reading works.
    assert_eq!(viewer.get(app.url("/api/surveys")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        viewer.get(app.url(&format!("/api/surveys/{survey}/overview"))).send().await.unwrap().status(),
        StatusCode::OK
    );
    // Changes are refused, through the REST API and through forged server-function calls alike.
    let res = viewer.post(app.url("/api/surveys")).json(&json!({"name": "x", "questions": []})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = viewer.delete(app.url(&format!("/api/surveys/{survey}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = viewer
        .post(app.url("/rpc/set_survey_status"))
        .header("Accept", "application/json")
        .json(&json!({"id": survey, "status": "closed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = rpc(&viewer, &app, "invite_member", &[("email", "x@example.com"), ("role", "owner")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The audit log is for owners and admins.
    expect_problem(viewer.get(app.url("/api/audit-log")).send().await.unwrap(), 403).await;
    // Organisation settings: readable, not changeable.
    assert_eq!(viewer.get(app.url("/api/settings/embed")).send().await.unwrap().status(), StatusCode::OK);
    for (path, body) in [
        ("/api/settings/embed", json!({"allowedOrigins": ["https://evil.example"]})),
        ("/api/settings/smtp", json!({"host": "smtp.evil.example", "port": 587, "from": "x@evil.example"})),
        ("/api/settings/retention", json!({"retentionDays": 1})),
        ("/api/settings/security", json!({"requireTwoFactor": false})),
        ("/api/settings/audit", json!({"retentionDays": 30})),
    ] {
        let res = viewer.put(app.url(path)).json(&body).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let res = viewer
        .post(app.url("/rpc/save_embed_sites"))
        .header("Accept", "application/json")
        .json(&json!({"sites": ["https://evil.example"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let sites: Value = owner.get(app.url("/api/settings/embed")).send().await.unwrap().json().await.unwrap();
    assert_eq!(sites["allowedOrigins"], json!([]), "nothing changed");
    let survey_after: Value =
        owner.get(app.url(&format!("/api/surveys/{survey}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(survey_after["status"], "published", "nothing changed");

    // An admin cannot make owners; the only owner cannot step down.
    let admin = join_by_email(&app, &sink, &owner, &unique_email("admin"), "admin").await;
    let viewer_id = members["members"][1]["userId"].as_str().unwrap().to_string();
    let res = rpc(&admin, &app, "change_member_role", &[("user_id", &viewer_id), ("role", "owner")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let owner_id = members["members"][0]["userId"].as_str().unwrap().to_string();
    let res = rpc(&owner, &app, "change_member_role", &[("user_id", &owner_id), ("role", "viewer")]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // Removing a member ends their sessions at once.
    let res = rpc(&owner, &app, "remove_member", &[("user_id", &viewer_id)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(viewer.get(app.url("/api/surveys")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_inviter_never_sees_a_usable_link_and_nobody_squats_an_address() {
    let (app, sink) = spawn_app_with_mail().await;
    let attacker = app.signed_in("Squatters").await;
    let victim = unique_email("victim");
    // The answer carries no link or token; the email goes to the invitee.
    let res = rpc(&attacker, &app, "invite_member", &[("email", &victim), ("role", "owner")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let sent: Value = res.json().await.unwrap();
    assert!(sent.get("link").is_none() && sent["emailed"] == true, "{sent}");
    let messages = sink.wait_for(&victim, 1).await;
    let token = invitation_token(&messages[0]);
    assert!(!sent.to_string().contains(&token));
    let members: Value = rpc(&attacker, &app, "list_members", &[]).await.json().await.unwrap();
    assert!(!members.to_string().contains(&token), "the member list shows no link either");
    // Only the SHA-256 of the token is stored.
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT token_hash FROM member_invitations").fetch_all(app.state.db.pool()).await.unwrap();
    assert!(stored.iter().all(|h| h.len() == 64 && !h.contains(&token)));
    // A guessed token opens nothing.
    let res =
        rpc(&app.client(), &app, "accept_invite_new_account", &[("token", "guess"), ("password", "long enough pw")])
            .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // The real owner of the address can sign up as always.
    let res = app
        .client()
        .post(app.url("/api/auth/signup"))
        .json(&json!({"email": victim, "password": "the victim's password", "organizationName": "Mine"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn an_address_with_an_account_joins_only_by_signing_in_and_no_password_is_checked_by_the_link() {
    let (app, sink) = spawn_app_with_mail().await;
    let victim = unique_email("victim");
    let victims_browser = app.sign_up_as(&victim, "the victim's password", "Victim Inc").await;
    let org = app.signed_in("Other org").await;
    rpc(&org, &app, "invite_member", &[("email", &victim), ("role", "viewer")]).await;
    let token = invitation_token(&sink.wait_for_link(&victim, "/join/", 1).await[0]);

    // The link does not create or take over the account, with any password.
    let stranger = app.client();
    let res =
        rpc(&stranger, &app, "accept_invite_new_account", &[("token", &token), ("password", "attackers pw!")]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // Accepting as an existing account needs that account's session: no password guessing here.
    let res = rpc(&stranger, &app, "accept_invite", &[("token", &token)]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let someone_else = app.signed_in("Someone").await;
    let res = rpc(&someone_else, &app, "accept_invite", &[("token", &token)]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let view: Value = rpc(&victims_browser, &app, "describe_invite", &[("token", &token)]).await.json().await.unwrap();
    assert_eq!(view["accountExists"], true);
    assert_eq!(view["signedInAs"], victim.as_str());
    // The owner of the address, signed in, joins; the link then is spent.
    let res = rpc(&victims_browser, &app, "accept_invite", &[("token", &token)]).await;
    assert!(res.status().is_success() || res.status().is_redirection(), "{}", res.status());
    let me: Value = rpc(&victims_browser, &app, "whoami", &[]).await.json().await.unwrap();
    assert_eq!(me["organizationName"], "Other org");
    let res = rpc(&victims_browser, &app, "accept_invite", &[("token", &token)]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn without_a_mail_server_the_link_goes_to_the_operator_only() {
    let app = common::spawn_app().await;
    let owner = app.signed_in("Offline").await;
    let res = rpc(&owner, &app, "invite_member", &[("email", &unique_email("x")), ("role", "viewer")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let sent: Value = res.json().await.unwrap();
    assert_eq!(sent["emailed"], false);
    assert!(!sent.to_string().contains("/join/"), "{sent}");
}

#[tokio::test]
async fn a_token_stops_with_its_members_membership_and_follows_their_role() {
    let (app, sink) = spawn_app_with_mail().await;
    let replica = spawn_replica(&app).await;
    let owner = app.signed_in("Tokens").await;
    let admin_email = unique_email("admin");
    let admin = join_by_email(&app, &sink, &owner, &admin_email, "admin").await;
    let (token_id, token) = create_token(&app, &admin, &["surveys:read", "surveys:write"]).await;
    let call = |app: &TestApp, method: reqwest::Method, path: &str| {
        plain_client()
            .request(method, app.url(path))
            .bearer_auth(&token)
            .json(&json!({"name": "By token", "questions": []}))
    };
    assert_eq!(call(&app, reqwest::Method::POST, "/api/surveys").send().await.unwrap().status(), StatusCode::CREATED);

    // Demoted to viewer: the token reads, and no longer writes, on this replica at once and on the other soon.
    let admin_id = member_id(&app, &owner, &admin_email).await;
    let res = rpc(&owner, &app, "change_member_role", &[("user_id", &admin_id), ("role", "viewer")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let problem = expect_problem(call(&app, reqwest::Method::POST, "/api/surveys").send().await.unwrap(), 403).await;
    assert!(problem["detail"].as_str().unwrap().contains("viewer"), "{problem}");
    assert_eq!(call(&app, reqwest::Method::GET, "/api/surveys").send().await.unwrap().status(), StatusCode::OK);
    tokio::time::sleep(app::backend::auth::token_registry::REFRESH_EVERY * 2).await;
    expect_problem(call(&replica, reqwest::Method::POST, "/api/surveys").send().await.unwrap(), 403).await;

    // Owners see every token with its creator, and may revoke any; members only their own.
    let (_, _) = create_token(&app, &owner, &["surveys:read"]).await;
    let all: Value = owner.get(app.url("/api/tokens")).send().await.unwrap().json().await.unwrap();
    assert_eq!(all["meta"]["total"], 2);
    let theirs = all["data"].as_array().unwrap().iter().find(|t| t["id"] == token_id.as_str()).unwrap();
    assert_eq!(theirs["createdByEmail"], admin_email.as_str());
    let own: Value = admin.get(app.url("/api/tokens")).send().await.unwrap().json().await.unwrap();
    assert_eq!(own["meta"]["total"], 1, "{own}");

    // Removed: the token stops at once here and within the refresh interval on the other replica.
    let res = rpc(&owner, &app, "remove_member", &[("user_id", &admin_id)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    expect_problem(call(&app, reqwest::Method::GET, "/api/surveys").send().await.unwrap(), 401).await;
    tokio::time::sleep(app::backend::auth::token_registry::REFRESH_EVERY * 2).await;
    expect_problem(call(&replica, reqwest::Method::GET, "/api/surveys").send().await.unwrap(), 401).await;
}

#[tokio::test]
async fn owners_revoke_any_token_and_members_only_their_own() {
    let (app, sink) = spawn_app_with_mail().await;
    let owner = app.signed_in("Revokers").await;
    let admin = join_by_email(&app, &sink, &owner, &unique_email("admin"), "admin").await;
    let (owners_token, _) = create_token(&app, &owner, &["surveys:read"]).await;
    let (admins_token, admins_jwt) = create_token(&app, &admin, &["surveys:read"]).await;
    // The admin cannot see or revoke the owner's token (404, as for an unknown one).
    expect_problem(admin.delete(app.url(&format!("/api/tokens/{owners_token}"))).send().await.unwrap(), 404).await;
    expect_problem(admin.get(app.url(&format!("/api/tokens/{owners_token}"))).send().await.unwrap(), 404).await;
    // The owner revokes the admin's.
    let res = owner.delete(app.url(&format!("/api/tokens/{admins_token}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    expect_problem(plain_client().get(app.url("/api/surveys")).bearer_auth(&admins_jwt).send().await.unwrap(), 401)
        .await;
}
