//! Vox on a customer's site: the loader script, the per-survey allow-list of
//! sites, metadata rules (typed, anonymized, strict) and the responder.

use crate::common::{expect_problem, problem_fields, spawn_app, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const SHOP: &str = "https://shop.example.com";

async fn embeddable_survey(app: &TestApp, owner: &Client) -> String {
    let res = owner
        .post(app.url("/api/surveys"))
        .json(&json!({"name": "Checkout", "status": "published",
            "questions": [{"id": "q1", "type": "nps", "title": "Recommend us?", "required": true}],
            "embed": {"allowedOrigins": [SHOP, "https://*.brand.gr"], "placement": "slide_in",
                      "trigger": {"kind": "delay", "seconds": 3}, "recontactDays": 7}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_loader_is_javascript_cacheable_and_versioned() {
    let app = spawn_app().await;
    let res = app.client().get(app.url("/embed.js")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let headers = res.headers().clone();
    assert_eq!(headers["content-type"], "text/javascript; charset=utf-8");
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert!(headers["cache-control"].to_str().unwrap().contains("max-age=3600"));
    let body = res.text().await.unwrap();
    assert!(body.contains("updateMetadata") && !body.contains("eval("));
    let etag = headers["etag"].to_str().unwrap().to_string();
    let version = etag.trim_matches('"');
    let pinned = app.client().get(app.url(&format!("/embed.js?v={version}"))).send().await.unwrap();
    assert!(pinned.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let again = app.client().get(app.url("/embed.js")).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn only_allowed_sites_get_the_survey() {
    let app = spawn_app().await;
    let owner = app.signed_in("Shop").await;
    let id = embeddable_survey(&app, &owner).await;
    let config = |origin: &'static str| {
        app.client().get(app.url(&format!("/api/client/surveys/{id}/embed"))).header("origin", origin).send()
    };
    let res = config(SHOP).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["placement"], "slide_in");
    assert_eq!(body["trigger"], json!({"kind": "delay", "seconds": 3}));
    assert_eq!(body["recontactDays"], 7);
    assert_eq!(config("https://eshop.brand.gr").await.unwrap().status(), StatusCode::OK);
    let refused = expect_problem(config("https://evil.example").await.unwrap(), 403).await;
    assert!(refused["detail"].as_str().unwrap().contains("https://evil.example"));

    // Responses from a browser on another site: only from allowed sites.
    let submit = |origin: &'static str| {
        app.client()
            .post(app.url(&format!("/api/client/surveys/{id}/responses")))
            .header("origin", origin)
            .json(&json!({"answers": {"q1": 9}}))
            .send()
    };
    expect_problem(submit("https://evil.example").await.unwrap(), 403).await;
    assert_eq!(submit(SHOP).await.unwrap().status(), StatusCode::CREATED);
    // Vox's own pages (same origin) and non-browser clients are not sites.
    let same_origin = app.base.clone();
    let res = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{id}/responses")))
        .header("origin", same_origin)
        .json(&json!({"answers": {"q1": 9}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let list: Value =
        owner.get(app.url(&format!("/api/surveys/{id}/responses"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["meta"]["total"], 2, "the refused response was not stored");
}

#[tokio::test]
async fn declared_metadata_is_typed_anonymized_and_strict_mode_refuses_the_rest() {
    let app = spawn_app().await;
    let owner = app.signed_in("Shop").await;
    let id = embeddable_survey(&app, &owner).await;
    let res = owner
        .put(app.url("/api/settings/metadata"))
        .json(&json!({"keys": [
            {"key": "total", "type": "number"},
            {"key": "email", "type": "text", "anonymize": true},
            {"key": "shipped", "type": "date"}
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let submit = |metadata: Value| {
        app.client()
            .post(app.url(&format!("/api/client/surveys/{id}/responses")))
            .json(&json!({"answers": {"q1": 9}, "metadata": metadata}))
            .send()
    };
    let res = submit(json!({"total": "41.5", "email": "maria@example.com", "shipped": "2026-11-20", "plan": 3}))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let rid = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let stored: Value =
        owner.get(app.url(&format!("/api/responses/{rid}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(stored["metadata"]["total"], 41.5);
    assert_eq!(stored["metadata"]["shipped"], "2026-11-20");
    assert_eq!(stored["metadata"]["plan"], "3", "undeclared keys are kept as text");
    let hashed = stored["metadata"]["email"].as_str().unwrap();
    assert!(hashed.starts_with("hmac-sha256:") && !hashed.contains("maria"));
    let raw: Vec<String> =
        sqlx::query_scalar::<_, String>("SELECT metadata FROM responses").fetch_all(app.state.db.pool()).await.unwrap();
    assert!(raw.iter().all(|m| !m.contains("maria@example.com")), "never stored in clear");

    let problem = expect_problem(submit(json!({"total": "a lot", "shipped": "soon"})).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["metadata.shipped", "metadata.total"]);

    let res = owner
        .put(app.url("/api/settings/metadata"))
        .json(&json!({"keys": [{"key": "total", "type": "number"}], "strict": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["strict"], true);
    let problem = expect_problem(submit(json!({"plan": "pro"})).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["metadata.plan"]);
    let problem = expect_problem(
        owner
            .put(app.url("/api/settings/metadata"))
            .json(&json!({"keys": [{"key": "bad key", "type": "text"}]}))
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(problem_fields(&problem), vec!["keys[0].key"]);
}

#[tokio::test]
async fn the_responder_links_the_response_to_a_contact_even_after_completion() {
    let app = spawn_app().await;
    let owner = app.signed_in("Shop").await;
    let id = embeddable_survey(&app, &owner).await;
    let res = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{id}/responses")))
        .json(&json!({"answers": {"q1": 10}}))
        .send()
        .await
        .unwrap();
    let created: Value = res.json().await.unwrap();
    let (rid, token) = (created["id"].as_str().unwrap(), created["responseToken"].as_str().unwrap());
    let patch = |body: Value| {
        app.client().patch(app.url(&format!("/api/client/responses/{rid}"))).bearer_auth(token).json(&body).send()
    };
    let problem = expect_problem(patch(json!({"responder": {"email": "not an email"}})).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["responder.email"]);
    let res = patch(json!({"responder": {"email": "Maria@Example.com", "phone_number": "+30 210 1234567"},
        "metadata": {"transaction_id": "T-9"}}))
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let updated: Value = res.json().await.unwrap();
    let contact = updated["contactId"].as_str().unwrap().to_string();
    assert!(contact.starts_with("con_"));
    assert_eq!(updated["metadata"]["transaction_id"], "T-9");
    // The same person again is the same contact.
    let res = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{id}/responses")))
        .json(&json!({"answers": {"q1": 3}, "responder": {"email": "maria@example.com"}}))
        .send()
        .await
        .unwrap();
    let second: Value = res.json().await.unwrap();
    let stored: Value = owner
        .get(app.url(&format!("/api/responses/{}", second["id"].as_str().unwrap())))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stored["contactId"], contact.as_str());
}
