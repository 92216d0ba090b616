//! Members and roles: inviting by link, joining, what a viewer may not do
//! (enforced on the server, whatever the request), and the last owner.

mod common;

use common::{spawn_app, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn rpc(client: &Client, app: &TestApp, name: &str, form: &[(&str, &str)]) -> reqwest::Response {
    client.post(app.url(&format!("/rpc/{name}"))).header("Accept", "application/json").form(form).send().await.unwrap()
}

/// Invites `email` as `role` and joins through the link; returns the new member's client.
async fn join(app: &TestApp, owner: &Client, email: &str, role: &str) -> Client {
    let res = rpc(owner, app, "invite_member", &[("email", email), ("role", role)]).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let created: Value = res.json().await.unwrap();
    let link = created["link"].as_str().unwrap();
    let token = link.rsplit('/').next().unwrap().to_string();
    let member = app.client();
    let res = rpc(&member, app, "accept_invite", &[("token", &token), ("password", "a long new password")]).await;
    assert!(res.status().is_success() || res.status().is_redirection(), "{}", res.status());
    // The link works once.
    let again =
        rpc(&app.client(), app, "accept_invite", &[("token", &token), ("password", "another long password")]).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    member
}

#[tokio::test]
async fn a_viewer_reads_but_every_change_is_refused_on_the_server() {
    let app = spawn_app().await;
    let owner = app.signed_in("Roles").await;
    let survey = app.published_survey(&owner).await;
    let email = format!("viewer-{}@example.com", rand::random::<u32>());
    let viewer = join(&app, &owner, &email, "viewer").await;

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
    // Organisation settings: readable, not changeable.
    assert_eq!(viewer.get(app.url("/api/settings/embed")).send().await.unwrap().status(), StatusCode::OK);
    for (path, body) in [
        ("/api/settings/embed", json!({"allowedOrigins": ["https://evil.example"]})),
        ("/api/settings/smtp", json!({"host": "smtp.evil.example", "port": 587, "from": "x@evil.example"})),
        ("/api/settings/retention", json!({"retentionDays": 1})),
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
    let admin = join(&app, &owner, &format!("admin-{}@example.com", rand::random::<u32>()), "admin").await;
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
