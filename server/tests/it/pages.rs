//! Server-rendered pages: the survey page works without JavaScript, the
//! dashboard needs a session, and cross-site posts are refused.

use crate::common;
use crate::common::{expect_problem, spawn_app};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn survey_page_is_complete_html_with_accessible_controls() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let survey = app.published_survey(&owner).await;
    let res = app.client().get(app.url(&format!("/s/{survey}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("How likely are you to recommend us?"));
    assert!(html.contains(&format!(r#"action="/s/{survey}""#)), "form posts back to the page");
    for n in 0..=10 {
        assert!(html.contains(&format!(r#"type="radio" name="q.q1" value="{n}""#)), "radio {n}");
    }
    assert!(html.contains(r#"<textarea name="q.q2""#));
}

#[tokio::test]
async fn unknown_and_draft_surveys_are_404_pages() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let res = app.client().get(app.url("/s/srv_00000000000000000000000000")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let draft: Value = owner
        .post(app.url("/api/surveys"))
        .json(&json!({"name": "Secret draft", "questions": []}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = app.client().get(app.url(&format!("/s/{}", draft["id"].as_str().unwrap()))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!res.text().await.unwrap().contains("Secret draft"));
}

#[tokio::test]
async fn form_post_without_javascript_stores_the_response() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let survey = app.published_survey(&owner).await;
    let visitor = app.client();

    let res = visitor.post(app.url(&format!("/s/{survey}"))).form(&[("q.q2", "no score given")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], format!("/s/{survey}?invalid=q1").as_str());

    let res = visitor
        .post(app.url(&format!("/s/{survey}")))
        .form(&[("q.q1", "10"), ("q.q2", "Lovely & quick")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], format!("/s/{survey}/thanks").as_str());

    let list: Value =
        owner.get(app.url(&format!("/api/surveys/{survey}/responses"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["meta"]["total"], 1);
    assert_eq!(list["data"][0]["answers"], json!({"q1": 10, "q2": "Lovely & quick"}));
}

#[tokio::test]
async fn the_error_page_shows_only_messages_for_real_questions() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let survey = app.published_survey(&owner).await;
    let html = app
        .client()
        .get(app.url(&format!("/s/{survey}?invalid=q1,evil%3Cb%3E")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Please check your answer to this question."), "{html}");
    assert!(!html.contains("evil"));
}

#[tokio::test]
async fn user_text_is_rendered_as_text() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let res = owner
        .post(app.url("/api/surveys"))
        .json(&json!({"name": "</title><img src=x onerror=alert(1)>", "status": "published",
            "questions": [{"id": "q1", "type": "text", "title": "<script>alert(2)</script>"}]}))
        .send()
        .await
        .unwrap();
    let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let html = app.client().get(app.url(&format!("/s/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("<script>alert(2)"));
    let at = html.find("<img src=x").map(|i| &html[i.saturating_sub(200)..(i + 100).min(html.len())]);
    assert!(at.is_none(), "unescaped: {at:?}");
    assert!(!html.contains("</title><img"), "the page title is escaped too");
    assert!(html.contains("&lt;script&gt;alert(2)"));
}

#[tokio::test]
async fn dashboard_requires_a_session() {
    let app = spawn_app().await;
    let res = app.client().get(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login?next=%2Fdashboard");
    // Back to the page asked for, after signing in.
    let res = app.client().get(app.url("/dashboard/settings?tab=x")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/login?next=%2Fdashboard%2Fsettings%3Ftab%3Dx");
    let owner = app.signed_in("Acme").await;
    let res = owner.get(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("Acme"));
}

#[tokio::test]
async fn cross_site_state_changes_are_refused() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let body = json!({"name": "x", "questions": []});
    let res =
        owner.post(app.url("/api/surveys")).header("origin", "https://evil.example").json(&body).send().await.unwrap();
    expect_problem(res, 403).await;
    let res =
        owner.post(app.url("/api/surveys")).header("sec-fetch-site", "cross-site").json(&body).send().await.unwrap();
    expect_problem(res, 403).await;
    for (header, value) in [("sec-fetch-site", "same-site"), ("origin", "null")] {
        let res = owner.post(app.url("/api/surveys")).header(header, value).json(&body).send().await.unwrap();
        expect_problem(res, 403).await;
    }
    let res = owner.post(app.url("/rpc/logout")).header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Same-origin browser requests pass.
    let res = owner
        .post(app.url("/api/surveys"))
        .header("origin", app.base.as_str())
        .header("sec-fetch-site", "same-origin")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let list: Value = owner.get(app.url("/api/surveys")).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["meta"]["total"], 1, "refused requests changed nothing");
}

#[tokio::test]
async fn healthz_reports_the_database() {
    let app = spawn_app().await;
    let res = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn public_submissions_are_rate_limited() {
    let app = common::spawn_app_with(|c| c.public_rate_limit_per_minute = 3).await;
    let owner = app.signed_in("Acme").await;
    let survey = app.published_survey(&owner).await;
    let path = format!("/api/client/surveys/{survey}/responses");
    for _ in 0..3 {
        let res = app.client().post(app.url(&path)).json(&json!({"answers": {"q1": 1}})).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let res = app.client().post(app.url(&path)).json(&json!({"answers": {"q1": 1}})).send().await.unwrap();
    assert!(res.headers().contains_key("retry-after"));
    expect_problem(res, 429).await;
}

#[tokio::test]
async fn server_functions_answer_with_the_errors_status() {
    let app = spawn_app().await;
    let anonymous = app.client();
    let body = json!({"draft": {"name": "x", "questions": []}});
    let res = anonymous.post(app.url("/rpc/create_survey")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let owner = app.signed_in("Acme").await;
    let res = owner
        .post(app.url("/rpc/create_survey"))
        .json(&json!({"draft": {"name": "", "questions": []}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: Value = res.json().await.unwrap();
    assert_eq!(error["kind"], "validation");
    assert_eq!(error["errors"][0]["field"], "name");
    let res = owner.post(app.url("/rpc/create_survey")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint() {
    let app = spawn_app().await;
    let doc: Value = app.client().get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for (path, methods) in [
        ("/api/auth/signup", &["post"][..]),
        ("/api/auth/login", &["post"]),
        ("/api/auth/logout", &["post"]),
        ("/api/tokens", &["get", "post"]),
        ("/api/tokens/{id}", &["get", "delete"]),
        ("/api/surveys", &["get", "post"]),
        ("/api/surveys/{id}", &["get", "patch", "delete"]),
        ("/api/surveys/{id}/responses", &["get"]),
        ("/api/responses/{id}", &["get", "delete"]),
        ("/api/client/surveys/{id}/responses", &["post"]),
        ("/api/client/responses/{id}", &["patch"]),
        ("/api/surveys/{surveyId}/webhooks", &["get", "post"]),
        ("/api/integrations/webhooks/{id}/rotate-secret", &["post"]),
        ("/api/cases", &["get", "post"]),
        ("/api/cases/stats", &["get"]),
        ("/api/cases/{id}", &["get", "patch"]),
    ] {
        for method in methods {
            let op = &paths[path][*method];
            assert!(op.is_object(), "{method} {path} missing");
            assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()), "{method} {path} has no responses");
        }
    }
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert!(schemes.contains_key("bearer") && schemes.contains_key("session"));
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert_eq!(doc["paths"]["/api/surveys"]["post"]["security"][0]["bearer"][0], "surveys:write");
    assert_eq!(doc["paths"]["/api/cases/{id}"]["patch"]["security"][0]["bearer"][0], "cases:write");

    // One delivery type, two spellings, both in the document.
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["Delivery"]["properties"]["nextAttemptAt"].is_object());
    let snake = &schemas["IntegrationDelivery"];
    assert!(snake["properties"]["next_attempt_at"].is_object(), "{snake}");
    assert!(snake["required"].as_array().unwrap().contains(&Value::from("webhook_id")), "{snake}");
    assert!(snake.to_string().contains("\"duration_ms\""), "attempts are renamed too: {snake}");

    // The shared problem sets: every operation a credential guards answers
    // 401 and 403, every JSON body 400 and 413, all as problem documents.
    let problem_ref = |op: &Value, status: &str| {
        op["responses"][status]["content"]["application/problem+json"]["schema"]["$ref"]
            == "#/components/schemas/Problem"
    };
    let mut missing = Vec::new();
    for (path, methods) in paths {
        for (method, op) in methods.as_object().unwrap() {
            // Guarded by a token or session: every alternative names one
            // (`{}` among them means "optional"). A response token is not a
            // caller: a wrong one answers 404, like a response that is not there.
            let guarded = op["security"].as_array().is_some_and(|reqs| {
                !reqs.is_empty() && reqs.iter().all(|r| r.get("bearer").is_some() || r.get("session").is_some())
            });
            let json_body = op["requestBody"]["content"]["application/json"].is_object();
            let expected = guarded.then_some(["401", "403"]).into_iter().chain(json_body.then_some(["400", "413"]));
            for status in expected.flatten() {
                if !problem_ref(op, status) {
                    missing.push(format!("{method} {path}: {status}"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "problem answers missing: {missing:#?}");
}

#[tokio::test]
async fn the_api_reference_page_renders_the_document() {
    let app = spawn_app().await;
    let res = app.client().get(app.url("/docs/api")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    for expected in
        ["<code>/api/surveys/{id}</code>", "bearer (surveys:write)", "id=\"schema-Problem\"", "Create an API token"]
    {
        assert!(html.contains(expected), "{expected} missing from /docs/api");
    }
}

#[tokio::test]
async fn unknown_paths_get_the_not_found_page() {
    let app = spawn_app().await;
    let res = app.client().get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("<html"));
}
