//! Published versions (README "Surveys → Versions"): publishing freezes a
//! version, a later change makes the next, stored answers are never touched,
//! and a question id keeps its type.

use crate::common::{create_token, expect_problem, get_json, plain_client, problem_fields, spawn_app};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn respond(app: &crate::common::TestApp, survey: &str, answers: Value) -> Value {
    let res = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
        .json(&json!({"answers": answers}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

async fn patch(client: &Client, url: String, body: Value) -> reqwest::Response {
    client.patch(url).json(&body).send().await.unwrap()
}

#[tokio::test]
async fn publishing_and_editing_make_versions_and_answers_keep_theirs() {
    let app = spawn_app().await;
    let owner = app.signed_in("Bistro").await;
    let survey = app.published_survey(&owner).await;
    let survey_url = app.url(&format!("/api/surveys/{survey}"));
    assert_eq!(get_json(&owner, survey_url.clone()).await["publishedVersion"], 1);
    let versions = get_json(&owner, format!("{survey_url}/versions")).await;
    assert_eq!(versions["meta"]["total"], 1);
    assert_eq!(versions["data"][0]["number"], 1);
    assert_eq!(versions["data"][0]["changes"]["added"], json!(["q1", "q2"]));

    let first = respond(&app, &survey, json!({"q1": 9, "q2": "More bread"})).await["id"].as_str().unwrap().to_string();
    let first_url = app.url(&format!("/api/responses/{first}"));
    assert_eq!(get_json(&owner, first_url.clone()).await["surveyVersion"], 1);

    // Reword q1, drop q2, add q3: the next version.
    let res = patch(
        &owner,
        survey_url.clone(),
        json!({"questions": [
            {"id": "q1", "type": "nps", "title": "Would you recommend our bistro?", "required": true},
            {"id": "q3", "type": "email", "title": "Your email so we may reply"}
        ]}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["publishedVersion"], 2);
    let second = respond(&app, &survey, json!({"q1": 3, "q3": "ana@example.com"})).await;
    let second_url = app.url(&format!("/api/responses/{}", second["id"].as_str().unwrap()));
    assert_eq!(get_json(&owner, second_url).await["surveyVersion"], 2);

    let versions = get_json(&owner, format!("{survey_url}/versions")).await;
    assert_eq!(versions["meta"]["total"], 2);
    let (newest, oldest) = (&versions["data"][0], &versions["data"][1]);
    assert_eq!(newest["number"], 2);
    assert_eq!(
        newest["changes"],
        json!({"added": ["q3"], "removed": ["q2"], "changed": ["q1"], "reordered": false, "settingsChanged": false,
            "details": [{"question": "q1", "parts": ["title"]}]})
    );
    assert_eq!((newest["responseCount"].as_i64(), oldest["responseCount"].as_i64()), (Some(1), Some(1)));

    // The first answers stay as given, readable against version 1, which still has q2.
    let kept = get_json(&owner, first_url).await;
    assert_eq!((kept["answers"]["q1"].as_i64(), kept["surveyVersion"].as_i64()), (Some(9), Some(1)));
    let v1 = get_json(&owner, format!("{survey_url}/versions/1")).await;
    assert_eq!(v1["questions"][1]["id"], "q2");
    assert_eq!(v1["questions"][0]["title"], "How likely are you to recommend us?");

    // Lists, overviews and exports can keep to one version.
    for (version, expected) in [(1, &first), (2, &second["id"].as_str().unwrap().to_string())] {
        let list = get_json(&owner, format!("{survey_url}/responses?version={version}")).await;
        assert_eq!(list["meta"]["total"], 1, "version {version}");
        assert_eq!(list["data"][0]["id"], expected.as_str());
        let overview = get_json(&owner, format!("{survey_url}/overview?version={version}")).await;
        assert_eq!(overview["responses"], 1);
    }
    // The export has a column for the removed question, so its answers are not lost.
    let csv = owner.get(format!("{survey_url}/responses/export")).send().await.unwrap().text().await.unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.contains("q1: Would you recommend our bistro?,q3: Your email"), "{header}");
    assert!(header.contains("q2: What could we do better? (removed)"), "{header}");
    assert!(csv.contains("More bread") && csv.contains("ana@example.com"), "{csv}");
    let res = owner.get(format!("{survey_url}/responses?version=0")).send().await.unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["version"]);

    // Presentation is not a version; neither is closing and publishing again unchanged.
    let res = patch(&owner, survey_url.clone(), json!({"theme": {"brandColor": "#0f766e"}})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["publishedVersion"], 2);
    patch(&owner, survey_url.clone(), json!({"status": "closed"})).await;
    let res = patch(&owner, survey_url.clone(), json!({"status": "published"})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["publishedVersion"], 2);
    assert_eq!(get_json(&owner, format!("{survey_url}/versions")).await["meta"]["total"], 2);

    // A published id keeps its type, even once removed: q2's text answers must not be read as a rating.
    let res = patch(
        &owner,
        survey_url.clone(),
        json!({"questions": [
            {"id": "q1", "type": "nps", "title": "Would you recommend our bistro?", "required": true},
            {"id": "q2", "type": "rating", "title": "Rate the food", "scale": 5}
        ]}),
    )
    .await;
    let problem = expect_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), vec!["questions[1].type"]);
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("text"), "{problem}");
    assert_eq!(get_json(&owner, survey_url.clone()).await["publishedVersion"], 2);
    let res = owner.get(format!("{survey_url}/versions/3")).send().await.unwrap();
    expect_problem(res, 404).await;
}

#[tokio::test]
async fn a_draft_has_no_version_until_published() {
    let app = spawn_app().await;
    let owner = app.signed_in("Draft house").await;
    let res = owner
        .post(app.url("/api/surveys"))
        .json(&json!({"name": "Later", "questions": [{"id": "q1", "type": "csat", "title": "Happy?"}]}))
        .send()
        .await
        .unwrap();
    let survey: Value = res.json().await.unwrap();
    assert_eq!(survey["publishedVersion"], 0);
    let survey_url = app.url(&format!("/api/surveys/{}", survey["id"].as_str().unwrap()));
    assert_eq!(get_json(&owner, format!("{survey_url}/versions")).await["meta"]["total"], 0);
    // Drafts may change a question's type freely: nobody has answered.
    let res =
        patch(&owner, survey_url.clone(), json!({"questions": [{"id": "q1", "type": "nps", "title": "Recommend?"}]}))
            .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = patch(&owner, survey_url.clone(), json!({"status": "published"})).await;
    assert_eq!(res.json::<Value>().await.unwrap()["publishedVersion"], 1);
    let v1 = get_json(&owner, format!("{survey_url}/versions/1")).await;
    assert_eq!(v1["questions"][0]["type"], "nps");
    assert_eq!(v1["name"], "Later");
}

#[tokio::test]
async fn versions_are_the_organisations_own_and_need_surveys_read() {
    let app = spawn_app().await;
    let owner = app.signed_in("Owner org").await;
    let survey = app.published_survey(&owner).await;
    let other = app.signed_in("Other org").await;
    for path in ["versions", "versions/1"] {
        let res = other.get(app.url(&format!("/api/surveys/{survey}/{path}"))).send().await.unwrap();
        expect_problem(res, 404).await;
    }
    let (_, responses_only) = create_token(&app, &owner, &["responses:read"]).await;
    let (_, surveys_read) = create_token(&app, &owner, &["surveys:read"]).await;
    for path in ["versions", "versions/1"] {
        let url = app.url(&format!("/api/surveys/{survey}/{path}"));
        let res = plain_client().get(&url).bearer_auth(&responses_only).send().await.unwrap();
        expect_problem(res, 403).await;
        let res = plain_client().get(&url).bearer_auth(&surveys_read).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn a_response_begun_under_one_version_is_finished_under_the_next() {
    let app = spawn_app().await;
    let owner = app.signed_in("Continuing").await;
    let survey = app.published_survey(&owner).await;
    let begun = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
        .json(&json!({"answers": {"q1": 6, "q2": "Cold soup"}, "completed": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(begun.status(), StatusCode::CREATED);
    let begun: Value = begun.json().await.unwrap();
    let (id, token) = (begun["id"].as_str().unwrap(), begun["responseToken"].as_str().unwrap());

    let res = patch(
        &owner,
        app.url(&format!("/api/surveys/{survey}")),
        json!({"questions": [
            {"id": "q1", "type": "nps", "title": "How likely are you to recommend us?", "required": true},
            {"id": "q3", "type": "csat", "title": "How satisfied are you?", "required": true}
        ]}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);

    // q2 is kept as given (not refused as unknown); the new required q3 is asked for.
    let url = app.url(&format!("/api/client/responses/{id}"));
    let res = app.client().patch(&url).bearer_auth(token).json(&json!({"completed": true})).send().await.unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["answers.q3"]);
    let res = app
        .client()
        .patch(&url)
        .bearer_auth(token)
        .json(&json!({"answers": {"q3": 2}, "completed": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let done: Value = res.json().await.unwrap();
    assert_eq!(done["answers"], json!({"q1": 6, "q2": "Cold soup", "q3": 2}));
    assert_eq!((done["surveyVersion"].as_i64(), done["completed"].as_bool()), (Some(2), Some(true)));
    // A new answer to a question the survey no longer has is still refused.
    let fresh = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
        .json(&json!({"answers": {"q1": 9, "q2": "Too late", "q3": 4}}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem_fields(&expect_problem(fresh, 422).await), vec!["answers.q2"]);
}
