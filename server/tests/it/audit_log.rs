//! The audit log: every security-relevant action, with who, from where,
//! when and on what; filters; the `audit:read` scope; another organisation
//! sees none of it; nobody can change or delete an entry; retention.

use crate::common::{
    client_from, create_token, expect_problem, join_by_email, plain_client, problem_fields, rpc, spawn_app_with_mail,
    unique_email,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

const PASSWORD: &str = "the owner's long password";

#[tokio::test]
async fn every_security_relevant_action_is_recorded_with_actor_address_and_target() {
    let (app, sink) = spawn_app_with_mail().await;
    let email = unique_email("owner");
    let owner = client_from("198.51.100.7");
    let res = owner
        .post(app.url("/api/auth/signup"))
        .json(&json!({"email": email, "password": PASSWORD, "organizationName": "Audited"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // Sign-ins, failed and not.
    expect_problem(app.log_in(&client_from("203.0.113.5"), &email, "not the password").await, 401).await;
    assert_eq!(app.log_in(&owner, &email, PASSWORD).await.status(), StatusCode::OK);
    // The password.
    let res = owner
        .post(app.url("/api/auth/password"))
        .json(&json!({"currentPassword": PASSWORD, "newPassword": "an even longer password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // Members.
    let member_email = unique_email("member");
    join_by_email(&app, &sink, &owner, &member_email, "admin").await;
    let members: Value = rpc(&owner, &app, "list_members", &[]).await.json().await.unwrap();
    let member_id = members["members"][1]["userId"].as_str().unwrap().to_string();
    rpc(&owner, &app, "change_member_role", &[("user_id", &member_id), ("role", "viewer")]).await;
    rpc(&owner, &app, "remove_member", &[("user_id", &member_id)]).await;
    rpc(&owner, &app, "invite_member", &[("email", &unique_email("later")), ("role", "viewer")]).await;
    let members: Value = rpc(&owner, &app, "list_members", &[]).await.json().await.unwrap();
    let pending = members["pending"][0]["id"].as_str().unwrap().to_string();
    rpc(&owner, &app, "revoke_member_invite", &[("id", &pending)]).await;
    // Tokens, and webhooks made with one.
    let (token_id, token) = create_token(&app, &owner, &["webhooks:read", "webhooks:write"]).await;
    let api = plain_client();
    let res = api
        .post(app.url("/api/integrations/webhooks"))
        .header("x-forwarded-for", "192.0.2.77")
        .bearer_auth(&token)
        .json(&json!({"url": "http://127.0.0.1:9/hook", "events": ["*"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let webhook = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let hook = app.url(&format!("/api/integrations/webhooks/{webhook}"));
    api.patch(&hook).bearer_auth(&token).json(&json!({"enabled": false})).send().await.unwrap();
    api.post(format!("{hook}/rotate-secret")).bearer_auth(&token).send().await.unwrap();
    api.delete(&hook).bearer_auth(&token).send().await.unwrap();
    owner.delete(app.url(&format!("/api/tokens/{token_id}"))).send().await.unwrap();
    // Settings, an export, a deleted response.
    owner.put(app.url("/api/settings/retention")).json(&json!({"retentionDays": 400})).send().await.unwrap();
    owner
        .put(app.url("/api/settings/embed"))
        .json(&json!({"allowedOrigins": ["https://shop.example"]}))
        .send()
        .await
        .unwrap();
    let survey = app.published_survey(&owner).await;
    let res = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
        .json(&json!({"answers": {"q1": 3}}))
        .send()
        .await
        .unwrap();
    let response = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let export =
        owner.get(app.url(&format!("/api/surveys/{survey}/responses/export?format=ndjson"))).send().await.unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    export.text().await.unwrap();
    owner.delete(app.url(&format!("/api/responses/{response}"))).send().await.unwrap();

    let log: Value = owner.get(app.url("/api/audit-log?per_page=500")).send().await.unwrap().json().await.unwrap();
    let entries = log["data"].as_array().unwrap();
    let find = |action: &str| {
        entries.iter().find(|e| e["action"] == action).unwrap_or_else(|| panic!("no {action} in {log}")).clone()
    };
    for action in [
        "sign_in.succeeded",
        "sign_in.failed",
        "password.changed",
        "member.invited",
        "member.joined",
        "member.role_changed",
        "member.removed",
        "member.invitation_revoked",
        "token.created",
        "token.revoked",
        "webhook.created",
        "webhook.updated",
        "webhook.secret_rotated",
        "webhook.deleted",
        "settings.changed",
        "export.started",
        "response.deleted",
    ] {
        find(action);
    }
    let failed = find("sign_in.failed");
    assert_eq!(failed["address"], "203.0.113.5");
    assert_eq!(failed["actorEmail"], email.as_str());
    let role = find("member.role_changed");
    assert_eq!((role["targetType"].as_str(), role["targetId"].as_str()), (Some("member"), Some(member_id.as_str())));
    assert_eq!(role["details"], json!({"from": "admin", "to": "viewer"}));
    assert_eq!(role["address"], "198.51.100.7");
    let created = find("webhook.created");
    assert_eq!(created["actorTokenId"], token_id.as_str(), "made with a token: the token is named");
    assert_eq!(created["address"], "192.0.2.77");
    assert_eq!(created["targetId"], webhook.as_str());
    assert_eq!(find("export.started")["details"]["format"], "ndjson");
    // Newest first.
    assert_eq!(entries[0]["action"], "response.deleted");

    // Filters: action, member, time.
    let only: Value =
        owner.get(app.url("/api/audit-log?action=token.created")).send().await.unwrap().json().await.unwrap();
    assert_eq!(only["meta"]["total"], 1);
    let theirs: Value = owner
        .get(app.url(&format!("/api/audit-log?actor={}", member_email.to_uppercase())))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(theirs["data"].as_array().unwrap().iter().all(|e| e["actorEmail"] == member_email.as_str()), "{theirs}");
    assert!(theirs["meta"]["total"].as_i64().unwrap() >= 1);
    let future: Value =
        owner.get(app.url("/api/audit-log?from=2999-01-01")).send().await.unwrap().json().await.unwrap();
    assert_eq!(future["meta"]["total"], 0);
    let res = owner.get(app.url("/api/audit-log?action=nope")).send().await.unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["action"]);

    // A token reads it only with audit:read.
    let (_, reader) = create_token(&app, &owner, &["audit:read"]).await;
    let res = plain_client().get(app.url("/api/audit-log")).bearer_auth(&reader).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (_, other) = create_token(&app, &owner, &["surveys:read"]).await;
    let res = plain_client().get(app.url("/api/audit-log")).bearer_auth(&other).send().await.unwrap();
    assert!(expect_problem(res, 403).await["detail"].as_str().unwrap().contains("audit:read"));

    // Another organisation sees none of it.
    let stranger = app.signed_in("Elsewhere").await;
    let theirs: Value = stranger.get(app.url("/api/audit-log")).send().await.unwrap().json().await.unwrap();
    assert!(!theirs.to_string().contains(&email), "{theirs}");
    assert!(theirs["data"].as_array().unwrap().iter().all(|e| e["action"] == "sign_in.succeeded"));
}

#[tokio::test]
async fn nobody_changes_the_log_and_only_retention_removes_entries() {
    let (app, sink) = spawn_app_with_mail().await;
    let owner = app.signed_in("Keepers").await;
    for method in [reqwest::Method::DELETE, reqwest::Method::PATCH, reqwest::Method::PUT, reqwest::Method::POST] {
        let res = owner.request(method.clone(), app.url("/api/audit-log")).json(&json!({})).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }
    // Retention: 30 days to 10 years, set by owners only.
    let res = owner.put(app.url("/api/settings/audit")).json(&json!({"retentionDays": 10})).send().await.unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["retentionDays"]);
    let admin = join_by_email(&app, &sink, &owner, &unique_email("admin"), "admin").await;
    let res = admin.put(app.url("/api/settings/audit")).json(&json!({"retentionDays": 30})).send().await.unwrap();
    expect_problem(res, 403).await;
    assert_eq!(admin.get(app.url("/api/settings/audit")).send().await.unwrap().status(), StatusCode::OK);
    let res = owner.put(app.url("/api/settings/audit")).json(&json!({"retentionDays": 30})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    // An entry older than the retention goes at the next housekeeping; newer ones stay.
    let before: Value = owner.get(app.url("/api/audit-log")).send().await.unwrap().json().await.unwrap();
    let total = before["meta"]["total"].as_i64().unwrap();
    let oldest = before["data"].as_array().unwrap().last().unwrap()["id"].as_str().unwrap().to_string();
    let long_ago = chrono::Utc::now().timestamp_millis() - 31 * 86_400_000;
    sqlx::query("UPDATE audit_log SET at = $1 WHERE id = $2")
        .bind(long_ago)
        .bind(&oldest)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(app::backend::services::organization::audit::purge(&app.state.db).await.unwrap(), 1);
    let after: Value = owner.get(app.url("/api/audit-log")).send().await.unwrap().json().await.unwrap();
    assert_eq!(after["meta"]["total"].as_i64().unwrap(), total - 1);
    assert!(!after.to_string().contains(&oldest));
}
