//! Surveys over the REST API: CRUD, validation, isolation between organisations.

use crate::common::{expect_problem, problem_fields, spawn_app};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn create_read_update_list_delete() {
    let app = spawn_app().await;
    let client = app.signed_in("Acme").await;
    let res = client
        .post(app.url("/api/surveys"))
        .json(&json!({"name": "Checkout", "questions": [{"id": "q1", "type": "nps", "title": "Recommend?"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let survey: Value = res.json().await.unwrap();
    let id = survey["id"].as_str().unwrap();
    assert!(id.starts_with("srv_"));
    assert_eq!(location, format!("/api/surveys/{id}"));
    assert_eq!(survey["status"], "draft");
    assert_eq!(survey["questions"][0]["type"], "nps");

    let res = client
        .patch(app.url(&location))
        .json(&json!({"status": "published", "name": "Checkout v2"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let updated: Value = res.json().await.unwrap();
    assert_eq!(updated["status"], "published");
    assert_eq!(updated["name"], "Checkout v2");
    assert_eq!(updated["questions"], survey["questions"]);

    let list: Value = client.get(app.url("/api/surveys")).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["meta"]["total"], 1);
    assert_eq!(list["meta"]["page"], 1);
    assert_eq!(list["meta"]["perPage"], 50);
    assert_eq!(list["data"][0]["id"], id);

    assert_eq!(client.delete(app.url(&location)).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    expect_problem(client.get(app.url(&location)).send().await.unwrap(), 404).await;
}

#[tokio::test]
async fn invalid_definitions_name_the_fields_and_store_nothing() {
    let app = spawn_app().await;
    let client = app.signed_in("Acme").await;
    let res = client
        .post(app.url("/api/surveys"))
        .json(&json!({"name": "", "questions": [
            {"id": "a", "type": "rating", "scale": 20, "title": "Stars"},
            {"id": "a", "type": "single_choice", "title": "Pick", "choices": []}
        ]}))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(res, 422).await;
    let fields = problem_fields(&problem);
    for f in ["name", "questions[0].scale", "questions[1].id", "questions[1].choices"] {
        assert!(fields.contains(&f.to_string()), "{f} in {fields:?}");
    }
    let res = client
        .post(app.url("/api/surveys"))
        .json(&json!({"name": "x", "questions": [{"id": "a", "type": "slider", "title": "?"}]}))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), vec!["questions[0]"]);
    let list: Value = client.get(app.url("/api/surveys")).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["meta"]["total"], 0);
}

#[tokio::test]
async fn another_organisation_sees_nothing_and_changes_nothing() {
    let app = spawn_app().await;
    let alice = app.signed_in("Alice Co").await;
    let bob = app.signed_in("Bob Co").await;
    let id = app.published_survey(&alice).await;
    let path = format!("/api/surveys/{id}");

    expect_problem(bob.get(app.url(&path)).send().await.unwrap(), 404).await;
    expect_problem(bob.patch(app.url(&path)).json(&json!({"name": "pwned"})).send().await.unwrap(), 404).await;
    expect_problem(bob.delete(app.url(&path)).send().await.unwrap(), 404).await;
    expect_problem(bob.get(app.url(&format!("{path}/responses"))).send().await.unwrap(), 404).await;
    let bobs: Value = bob.get(app.url("/api/surveys")).send().await.unwrap().json().await.unwrap();
    assert_eq!(bobs["meta"]["total"], 0);

    let still: Value = alice.get(app.url(&path)).send().await.unwrap().json().await.unwrap();
    assert_eq!(still["name"], "After checkout");
}

#[tokio::test]
async fn unauthenticated_unknown_and_wrong_method() {
    let app = spawn_app().await;
    let anonymous = app.client();
    expect_problem(anonymous.get(app.url("/api/surveys")).send().await.unwrap(), 401).await;
    let client = app.signed_in("Acme").await;
    expect_problem(client.get(app.url("/api/surveys/srv_doesnotexist")).send().await.unwrap(), 404).await;
    expect_problem(client.get(app.url("/api/surveys/srv_00000000000000000000000000")).send().await.unwrap(), 404).await;
    expect_problem(client.get(app.url("/api/no-such-thing")).send().await.unwrap(), 404).await;
    let res = client.put(app.url("/api/surveys")).json(&json!({})).send().await.unwrap();
    expect_problem(res, 405).await;
    let problem = expect_problem(client.get(app.url("/api/surveys?per_page=501")).send().await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["per_page"]);
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = spawn_app().await;
    let client = app.signed_in("Acme").await;
    let huge = "x".repeat(2 * 1024 * 1024);
    let res = client.post(app.url("/api/surveys")).json(&json!({"name": huge, "questions": []})).send().await.unwrap();
    expect_problem(res, 413).await;
}

#[tokio::test]
async fn every_api_response_carries_request_id_and_version() {
    let app = spawn_app().await;
    let res = app.client().get(app.url("/api/surveys")).send().await.unwrap();
    assert!(res.headers().contains_key("x-request-id"));
    assert!(res.headers().contains_key("api-version"));
    let res = app.client().get(app.url("/api/surveys")).header("x-request-id", "trace-me-42").send().await.unwrap();
    assert_eq!(res.headers()["x-request-id"], "trace-me-42");
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_result() {
    let app = spawn_app().await;
    let client = app.signed_in("Acme").await;
    let body = json!({"name": "Once", "questions": []});
    let post = |body: Value| {
        client.post(app.url("/api/surveys")).header("idempotency-key", "create-once-1").json(&body).send()
    };
    let first = post(body.clone()).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first_location = first.headers()["location"].clone();
    let first: Value = first.json().await.unwrap();
    let again = post(body.clone()).await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.headers()["location"], first_location);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    let problem = expect_problem(post(json!({"name": "Other", "questions": []})).await.unwrap(), 409).await;
    assert_eq!(problem["code"], "idempotency_key_reused");
    let list: Value = client.get(app.url("/api/surveys")).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["meta"]["total"], 1, "created once");
    // Another key creates another survey.
    let other = client
        .post(app.url("/api/surveys"))
        .header("idempotency-key", "create-once-2")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::CREATED);
}
