//! Survey templates: listed in every widget language, turned into a draft
//! survey of the caller's organisation in the language asked for, which
//! then shows to visitors in that language and the others.

use crate::common::{create_token, expect_problem, get_json, plain_client, problem_fields, spawn_app};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Text as the page writes it inside an element.
fn html_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

const TEMPLATES: [&str; 6] =
    ["nps-follow-up", "csat-after-purchase", "product-feedback", "churn-survey", "event-feedback", "employee-pulse"];

#[tokio::test]
async fn templates_are_listed_in_each_widget_language() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let english = get_json(&owner, app.url("/api/survey-templates")).await;
    let ids: Vec<&str> = english["data"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, TEMPLATES);
    for language in ["el", "de", "fr", "es", "ar", "he"] {
        let listed = get_json(&owner, app.url(&format!("/api/survey-templates?language={language}"))).await;
        for (i, template) in listed["data"].as_array().unwrap().iter().enumerate() {
            assert_ne!(template["title"], english["data"][i]["title"], "{language}: {template}");
            assert_ne!(template["summary"], english["data"][i]["summary"], "{language}: {template}");
            assert_eq!(template["languages"][0], language);
            assert!(template["questionCount"].as_u64().unwrap() >= 3);
        }
    }
    let problem =
        expect_problem(owner.get(app.url("/api/survey-templates?language=ja")).send().await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), ["language"]);
}

#[tokio::test]
async fn a_template_becomes_a_draft_in_the_chosen_language_with_the_others_as_translations() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let english: Value = owner
        .post(app.url("/api/surveys/from-template"))
        .json(&json!({"template": "nps-follow-up"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = owner
        .post(app.url("/api/surveys/from-template"))
        .json(&json!({"template": "nps-follow-up", "language": "he", "name": "NPS לחנות"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let hebrew: Value = res.json().await.unwrap();
    assert_eq!(location, format!("/api/surveys/{}", hebrew["id"].as_str().unwrap()));
    assert_eq!((hebrew["status"].as_str(), hebrew["name"].as_str()), (Some("draft"), Some("NPS לחנות")));
    assert_eq!(hebrew["defaultLanguage"], "he");
    let translated: Vec<&String> = hebrew["translations"].as_object().unwrap().keys().collect();
    assert_eq!(translated, ["ar", "de", "el", "en", "es", "fr"]);
    // The same questions, ids and logic; the texts in Hebrew, the English kept as a translation.
    let ids = |s: &Value| s["questions"].as_array().unwrap().iter().map(|q| q["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&hebrew), ids(&english));
    assert_eq!(hebrew["questions"][1]["showIf"], english["questions"][1]["showIf"]);
    let first = english["questions"][0]["id"].as_str().unwrap();
    assert_ne!(hebrew["questions"][0]["title"], english["questions"][0]["title"]);
    assert_eq!(hebrew["translations"]["en"]["questions"][first]["title"], english["questions"][0]["title"]);

    // Published, it shows in Hebrew, right to left, and in French when asked.
    let survey = hebrew["id"].as_str().unwrap();
    let res = owner
        .patch(app.url(&format!("/api/surveys/{survey}")))
        .json(&json!({"status": "published"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = app.client().get(app.url(&format!("/s/{survey}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"<html lang="he" dir="rtl">"#));
    assert!(page.contains(hebrew["questions"][0]["title"].as_str().unwrap()));
    let french_title = hebrew["translations"]["fr"]["questions"][first]["title"].as_str().unwrap().to_string();
    let page = app.client().get(app.url(&format!("/s/{survey}?lang=fr"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"<html lang="fr" dir="ltr">"#));
    assert!(page.contains(&html_text(&french_title)), "{french_title}");

    for (body, field) in [
        (json!({"template": "no-such"}), "template"),
        (json!({"template": "nps-follow-up", "language": "xx"}), "language"),
        (json!({"template": "nps-follow-up", "name": "x".repeat(201)}), "name"),
        (json!({"template": "nps-follow-up", "name": "  "}), "name"),
    ] {
        let res = owner.post(app.url("/api/surveys/from-template")).json(&body).send().await.unwrap();
        assert_eq!(problem_fields(&expect_problem(res, 422).await), [field]);
    }
}

#[tokio::test]
async fn templates_need_their_scopes_and_a_new_survey_belongs_to_the_caller_alone() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let stranger = app.signed_in("Other").await;
    let (_, read_only) = create_token(&app, &owner, &["surveys:read"]).await;
    let (_, responses_only) = create_token(&app, &owner, &["responses:read"]).await;
    let (_, writer) = create_token(&app, &owner, &["surveys:write"]).await;
    let list_url = app.url("/api/survey-templates");
    let create_url = app.url("/api/surveys/from-template");
    let body = json!({"template": "employee-pulse", "language": "de"});

    expect_problem(plain_client().get(&list_url).send().await.unwrap(), 401).await;
    expect_problem(plain_client().get(&list_url).bearer_auth(&responses_only).send().await.unwrap(), 403).await;
    assert_eq!(plain_client().get(&list_url).bearer_auth(&read_only).send().await.unwrap().status(), StatusCode::OK);
    expect_problem(plain_client().post(&create_url).json(&body).send().await.unwrap(), 401).await;
    expect_problem(plain_client().post(&create_url).bearer_auth(&read_only).json(&body).send().await.unwrap(), 403)
        .await;
    let res = plain_client().post(&create_url).bearer_auth(&writer).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let survey: Value = res.json().await.unwrap();
    let url = app.url(&format!("/api/surveys/{}", survey["id"].as_str().unwrap()));
    assert_eq!(get_json(&owner, url.clone()).await["defaultLanguage"], "de");
    expect_problem(stranger.get(&url).send().await.unwrap(), 404).await;
    let theirs = get_json(&stranger, app.url("/api/surveys")).await;
    assert_eq!(theirs["meta"]["total"], 0);
}

#[tokio::test]
async fn a_repeated_request_with_its_idempotency_key_creates_one_survey() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let body = json!({"template": "churn-survey", "language": "fr"});
    let send = || owner.post(app.url("/api/surveys/from-template")).header("idempotency-key", "k-1").json(&body).send();
    let first = send().await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers().get("idempotent-replayed").unwrap(), "true");
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
    assert_eq!(get_json(&owner, app.url("/api/surveys")).await["meta"]["total"], 1);
}
