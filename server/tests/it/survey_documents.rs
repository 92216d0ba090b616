//! Survey export and import (README "Surveys → Export and import"): a survey
//! copied into another organisation as a draft, its ids kept or remapped;
//! problems named by their place in the document; scopes and organisations
//! respected.

use crate::common::{create_token, expect_problem, plain_client, problem_fields, spawn_app};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn branching_survey() -> Value {
    json!({
        "name": "After the visit", "status": "published", "responseLimit": 500, "hiddenFields": ["store"],
        "questions": [
            {"id": "score", "type": "nps", "title": "How likely are you to recommend us?", "required": true},
            {"id": "why", "type": "text", "title": "What went wrong?", "showIf": {"question": "score", "op": "lte", "value": 6}},
            {"id": "grid", "type": "matrix", "title": "How was it?",
             "rows": [{"id": "food", "label": "Food"}], "columns": [{"id": "good", "label": "Good"}, {"id": "bad", "label": "Bad"}]}
        ],
        "translations": {"el": {"name": "Μετά την επίσκεψη", "questions": {"why": {"title": "Τι πήγε στραβά;"}}}}
    })
}

#[tokio::test]
async fn a_survey_exported_from_one_organisation_is_imported_into_another_as_a_draft() {
    let app = spawn_app().await;
    let source = app.signed_in("Source Co").await;
    let res = source.post(app.url("/api/surveys")).json(&branching_survey()).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let original: Value = res.json().await.unwrap();
    let id = original["id"].as_str().unwrap();

    let res = source.get(app.url(&format!("/api/surveys/{id}/export"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_string();
    assert_eq!(disposition, format!("attachment; filename=\"{id}.vox-survey.json\""));
    let document: Value = res.json().await.unwrap();
    assert_eq!((document["format"].as_str(), document["formatVersion"].as_i64()), (Some("vox.survey"), Some(1)));
    assert!(document.get("id").is_none() && document["survey"].get("id").is_none(), "{document}");
    assert!(document["survey"].get("responseCount").is_none());

    // Kept ids: the same definition, a new id, a draft, in the other organisation only.
    let target = app.signed_in("Target Co").await;
    let res = target.post(app.url("/api/surveys/import")).json(&document).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let imported: Value = res.json().await.unwrap();
    let copy = &imported["survey"];
    assert_eq!(imported["renamedIds"], json!({}));
    assert_eq!(location, format!("/api/surveys/{}", copy["id"].as_str().unwrap()));
    assert_ne!(copy["id"], original["id"]);
    assert_eq!(copy["status"], "draft");
    assert_eq!(copy["responseCount"], 0);
    for field in ["name", "questions", "translations", "hiddenFields", "responseLimit", "theme", "embed"] {
        assert_eq!(copy[field], original[field], "{field}");
    }
    let listed: Value = target.get(app.url("/api/surveys")).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["meta"]["total"], 1);
    let source_list: Value = source.get(app.url("/api/surveys")).send().await.unwrap().json().await.unwrap();
    assert_eq!(source_list["meta"]["total"], 1);

    // Remapped ids: q1, q2, q3 in order, and skip logic and translations follow.
    let res = target.post(app.url("/api/surveys/import?ids=remap")).json(&document).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let remapped: Value = res.json().await.unwrap();
    assert_eq!(remapped["renamedIds"], json!({"score": "q1", "why": "q2", "grid": "q3"}));
    let questions = &remapped["survey"]["questions"];
    let ids: Vec<_> = questions.as_array().unwrap().iter().map(|q| q["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["q1", "q2", "q3"]);
    assert_eq!(questions[1]["showIf"]["question"], "q1");
    assert_eq!(questions[2]["rows"], original["questions"][2]["rows"]);
    assert_eq!(remapped["survey"]["translations"]["el"]["questions"]["q2"]["title"], "Τι πήγε στραβά;");

    // The copy answers like any survey once published.
    let copy_id = copy["id"].as_str().unwrap();
    let res = target
        .patch(app.url(&format!("/api/surveys/{copy_id}")))
        .json(&json!({"status": "published"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{copy_id}/responses")))
        .json(&json!({"answers": {"score": 4, "why": "Cold soup", "grid": {"food": "bad"}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_document_that_is_not_a_valid_survey_is_refused_by_place_and_nothing_is_created() {
    let app = spawn_app().await;
    let owner = app.signed_in("Careful Co").await;
    let import = |body: Value, query: &'static str| {
        let (owner, url) = (owner.clone(), app.url(&format!("/api/surveys/import{query}")));
        async move { owner.post(url).json(&body).send().await.unwrap() }
    };
    let valid = json!({"format": "vox.survey", "formatVersion": 1, "survey": branching_survey()});

    let mut other_format = valid.clone();
    other_format["format"] = json!("typeform");
    assert_eq!(problem_fields(&expect_problem(import(other_format, "").await, 422).await), ["format"]);
    let mut later = valid.clone();
    later["formatVersion"] = json!(2);
    assert_eq!(problem_fields(&expect_problem(import(later, "").await, 422).await), ["formatVersion"]);

    let mut broken = valid.clone();
    broken["survey"]["questions"][1]["showIf"]["question"] = json!("nowhere");
    broken["survey"]["questions"][2]["id"] = json!("score");
    let fields = problem_fields(&expect_problem(import(broken, "").await, 422).await);
    assert!(fields.iter().all(|f| f.starts_with("survey.questions[")), "{fields:?}");
    assert!(fields.contains(&"survey.questions[2].id".to_string()), "{fields:?}");

    let missing = json!({"format": "vox.survey", "formatVersion": 1});
    expect_problem(import(missing, "").await, 422).await;
    assert_eq!(problem_fields(&expect_problem(import(valid.clone(), "?ids=shuffle").await, 422).await), ["ids"]);

    let listed: Value = owner.get(app.url("/api/surveys")).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["meta"]["total"], 0, "nothing half-created");
    assert_eq!(import(valid, "?ids=keep").await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn export_and_import_need_their_scopes_and_never_reach_another_organisation() {
    let app = spawn_app().await;
    let owner = app.signed_in("Scoped Co").await;
    let survey = app.published_survey(&owner).await;
    let export_url = app.url(&format!("/api/surveys/{survey}/export"));
    let (_, read_only) = create_token(&app, &owner, &["surveys:read"]).await;
    let (_, responses_only) = create_token(&app, &owner, &["responses:read"]).await;
    let (_, writer) = create_token(&app, &owner, &["surveys:write"]).await;

    expect_problem(plain_client().get(&export_url).bearer_auth(&responses_only).send().await.unwrap(), 403).await;
    let res = plain_client().get(&export_url).bearer_auth(&read_only).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let document: Value = res.json().await.unwrap();

    let import_url = app.url("/api/surveys/import");
    expect_problem(plain_client().post(&import_url).bearer_auth(&read_only).json(&document).send().await.unwrap(), 403)
        .await;
    let res = plain_client().post(&import_url).bearer_auth(&writer).json(&document).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    expect_problem(plain_client().post(&import_url).json(&document).send().await.unwrap(), 401).await;

    // Another organisation's survey is not found, for sessions and tokens alike.
    let stranger = app.signed_in("Stranger Co").await;
    expect_problem(stranger.get(&export_url).send().await.unwrap(), 404).await;
    let (_, stranger_token) = create_token(&app, &stranger, &["surveys:read"]).await;
    expect_problem(plain_client().get(&export_url).bearer_auth(&stranger_token).send().await.unwrap(), 404).await;
}
