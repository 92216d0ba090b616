//! Responses: the public client API, validation against the survey, listing
//! with filters, and isolation between organisations.

use crate::common;
use crate::common::{expect_problem, problem_fields, spawn_app};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn a_valid_response_is_stored_and_listed() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let survey = app.published_survey(&owner).await;
    let res = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
        .json(&json!({"answers": {"q1": 9, "q2": "<script>alert(1)</script> fast delivery"}, "metadata": {"orderId": "A-1042"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("rsp_"));

    let list: Value =
        owner.get(app.url(&format!("/api/surveys/{survey}/responses"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["meta"]["total"], 1);
    let stored = &list["data"][0];
    assert_eq!(stored["id"], id.as_str());
    assert_eq!(stored["answers"]["q1"], 9);
    assert_eq!(stored["answers"]["q2"], "<script>alert(1)</script> fast delivery", "text is stored verbatim");
    assert_eq!(stored["metadata"]["orderId"], "A-1042");
    assert_eq!(stored["completed"], true);
    assert!(stored["completedAt"].is_string());

    let one: Value = owner.get(app.url(&format!("/api/responses/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(one["surveyId"], survey.as_str());
}

#[tokio::test]
async fn invalid_answers_are_refused_naming_the_question() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let survey = app.published_survey(&owner).await;
    let submit =
        |body: Value| app.client().post(app.url(&format!("/api/client/surveys/{survey}/responses"))).json(&body).send();

    let problem = expect_problem(submit(json!({"answers": {"q1": 11}})).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["answers.q1"]);
    let problem = expect_problem(submit(json!({"answers": {"q2": "only text"}})).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["answers.q1"], "required question missing on completion");
    let problem = expect_problem(submit(json!({"answers": {"q1": 5, "nope": 1}})).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["answers.nope"]);
    let problem =
        expect_problem(submit(json!({"answers": {"q1": 5}, "metadata": {"deep": {"x": 1}}})).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["metadata.deep"]);
    let problem = expect_problem(submit(json!({"answers": "nine"})).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["answers"]);
    // A partial response may leave required questions unanswered.
    assert_eq!(
        submit(json!({"answers": {"q2": "later"}, "completed": false})).await.unwrap().status(),
        StatusCode::CREATED
    );

    let list: Value =
        owner.get(app.url(&format!("/api/surveys/{survey}/responses"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["meta"]["total"], 1, "only the valid partial response was stored");

    // Choices that do not exist, in either kind of choice question.
    let res = owner
        .post(app.url("/api/surveys"))
        .json(&json!({"name": "Choices", "status": "published", "questions": [
            {"id": "c1", "type": "single_choice", "title": "One", "choices": [{"id": "a", "label": "A"}]},
            {"id": "c2", "type": "multiple_choice", "title": "Many", "choices": [{"id": "x", "label": "X"}, {"id": "y", "label": "Y"}]}
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let choices = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let submit = |body: Value| {
        app.client().post(app.url(&format!("/api/client/surveys/{choices}/responses"))).json(&body).send()
    };
    let problem = expect_problem(submit(json!({"answers": {"c1": "zzz", "c2": ["x"]}})).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["answers.c1"]);
    let problem =
        expect_problem(submit(json!({"answers": {"c1": "a", "c2": ["x", "nope"]}})).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["answers.c2"]);
    let problem = expect_problem(submit(json!({"answers": {"c1": "other"}})).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["answers.c1"], "no 'other' unless the question allows it");
    assert_eq!(submit(json!({"answers": {"c1": "a", "c2": ["x", "y"]}})).await.unwrap().status(), StatusCode::CREATED);
}

#[tokio::test]
async fn drafts_are_invisible_and_closed_surveys_refuse() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let survey = app.published_survey(&owner).await;
    let path = format!("/api/client/surveys/{survey}/responses");
    let body = json!({"answers": {"q1": 3}});
    // Answered once, so this process holds a copy of the definition: the change must still apply at once.
    assert_eq!(app.client().post(app.url(&path)).json(&body).send().await.unwrap().status(), StatusCode::CREATED);

    owner.patch(app.url(&format!("/api/surveys/{survey}"))).json(&json!({"status": "closed"})).send().await.unwrap();
    let problem = expect_problem(app.client().post(app.url(&path)).json(&body).send().await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["surveyId"]);

    owner.patch(app.url(&format!("/api/surveys/{survey}"))).json(&json!({"status": "draft"})).send().await.unwrap();
    expect_problem(app.client().post(app.url(&path)).json(&body).send().await.unwrap(), 404).await;
    expect_problem(
        app.client()
            .post(app.url("/api/client/surveys/srv_00000000000000000000000000/responses"))
            .json(&body)
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
}

/// Each process keeps a survey's definition for a second: a change made
/// through one replica applies there at once and on the others soon after.
#[tokio::test]
async fn a_closed_survey_is_refused_by_every_replica() {
    let a = spawn_app().await;
    let b = common::spawn_replica(&a).await;
    let owner = a.signed_in("Acme").await;
    let survey = a.published_survey(&owner).await;
    let path = format!("/api/client/surveys/{survey}/responses");
    let body = json!({"answers": {"q1": 3}});
    for app in [&a, &b] {
        assert_eq!(app.client().post(app.url(&path)).json(&body).send().await.unwrap().status(), StatusCode::CREATED);
    }
    owner.patch(a.url(&format!("/api/surveys/{survey}"))).json(&json!({"status": "closed"})).send().await.unwrap();
    expect_problem(a.client().post(a.url(&path)).json(&body).send().await.unwrap(), 422).await;
    let mut refused = false;
    for _ in 0..50 {
        let status = b.client().post(b.url(&path)).json(&body).send().await.unwrap().status();
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            refused = true;
            break;
        }
        assert_eq!(status, StatusCode::CREATED);
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(refused, "replica B still accepts responses to a survey closed 10 s ago");
}

#[tokio::test]
async fn filters_and_deletion() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let survey = app.published_survey(&owner).await;
    let path = format!("/api/client/surveys/{survey}/responses");
    for (score, completed) in [(1, true), (5, true), (9, false)] {
        let res = app
            .client()
            .post(app.url(&path))
            .json(&json!({"answers": {"q1": score}, "completed": completed}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let list = |query: &str| {
        let url = app.url(&format!("/api/surveys/{survey}/responses{query}"));
        let owner = owner.clone();
        async move { owner.get(url).send().await.unwrap() }
    };
    let total = |v: Value| v["meta"]["total"].as_i64().unwrap();
    assert_eq!(total(list("?completed=true").await.json().await.unwrap()), 2);
    assert_eq!(total(list("?completed=false").await.json().await.unwrap()), 1);
    assert_eq!(total(list("?from=2000-01-01T00:00:00Z").await.json().await.unwrap()), 3);
    assert_eq!(total(list("?to=2000-01-01T00:00:00Z").await.json().await.unwrap()), 0);
    let page: Value = list("?per_page=2&page=2").await.json().await.unwrap();
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    let problem = expect_problem(list("?from=yesterday").await, 422).await;
    assert_eq!(problem_fields(&problem), vec!["from"]);

    let all: Value = list("").await.json().await.unwrap();
    let first = all["data"][0]["id"].as_str().unwrap().to_string();
    let other_org = app.signed_in("Other").await;
    expect_problem(other_org.get(app.url(&format!("/api/responses/{first}"))).send().await.unwrap(), 404).await;
    expect_problem(other_org.delete(app.url(&format!("/api/responses/{first}"))).send().await.unwrap(), 404).await;
    assert_eq!(
        owner.delete(app.url(&format!("/api/responses/{first}"))).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(total(list("").await.json().await.unwrap()), 2);
}

#[tokio::test]
async fn the_client_api_answers_cors_preflights() {
    let app = spawn_app().await;
    let res = app
        .client()
        .request(reqwest::Method::OPTIONS, app.url("/api/client/surveys/srv_00000000000000000000000000/responses"))
        .header("origin", "https://shop.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn responses_filter_by_metadata_and_contact() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let survey = app.published_survey(&owner).await;
    let path = format!("/api/client/surveys/{survey}/responses");
    for (order, plan, vip) in [("A-1", "pro", true), ("A-2", "pro", false), ("A-3", "free", false)] {
        let res = app
            .client()
            .post(app.url(&path))
            .json(&json!({"answers": {"q1": 8}, "metadata": {"orderId": order, "plan": plan, "vip": vip, "items": 3}}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        assert!(res.headers()["location"].to_str().unwrap().starts_with("/api/responses/rsp_"));
    }
    let total = |query: &'static str| {
        let url = app.url(&format!("/api/surveys/{survey}/responses?{query}"));
        let owner = owner.clone();
        async move { owner.get(url).send().await.unwrap().json::<Value>().await.unwrap()["meta"]["total"].as_i64().unwrap() }
    };
    assert_eq!(total("metadata.plan=pro").await, 2);
    assert_eq!(total("metadata.plan=pro&metadata.orderId=A-2").await, 1);
    assert_eq!(total("metadata.vip=true").await, 1);
    assert_eq!(total("metadata.items=3").await, 3);
    assert_eq!(total("metadata.plan=enterprise").await, 0);
    assert_eq!(total("metadata.plan=pro&completed=false").await, 0);
    assert_eq!(total("contactId=con_nobody").await, 0);
    let problem = expect_problem(
        owner.get(app.url(&format!("/api/surveys/{survey}/responses?metadata.=x"))).send().await.unwrap(),
        422,
    )
    .await;
    assert_eq!(problem_fields(&problem), vec!["metadata."]);
}

#[tokio::test]
async fn a_respondent_continues_their_response_with_its_token() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let survey = app.published_survey(&owner).await;
    let res = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
        .json(&json!({"answers": {}, "metadata": {"orderId": "A-1"}, "completed": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    let token = created["responseToken"].as_str().unwrap().to_string();
    let patch = |body: Value, token: &str| {
        app.client().patch(app.url(&format!("/api/client/responses/{id}"))).bearer_auth(token).json(&body).send()
    };

    let now: Value = patch(json!({"answers": {"q1": 8}}), &token).await.unwrap().json().await.unwrap();
    assert_eq!(now["answers"], json!({"q1": 8}));
    assert_eq!(now["completed"], false);
    let now: Value = patch(json!({"answers": {"q2": "fast"}, "metadata": {"plan": "pro"}}), &token)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(now["answers"], json!({"q1": 8, "q2": "fast"}));
    assert_eq!(now["metadata"], json!({"orderId": "A-1", "plan": "pro"}));
    let problem = expect_problem(patch(json!({"answers": {"q1": 12}}), &token).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["answers.q1"]);
    let done: Value = patch(json!({"completed": true}), &token).await.unwrap().json().await.unwrap();
    assert_eq!(done["completed"], true);
    assert!(done["completedAt"].is_string());
    // Answers are final once complete; metadata can still be attached.
    let problem = expect_problem(patch(json!({"answers": {"q1": 0}}), &token).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["answers"]);
    let later: Value = patch(json!({"metadata": {"orderId": "A-2"}}), &token).await.unwrap().json().await.unwrap();
    assert_eq!(later["metadata"]["orderId"], "A-2");
    // The metadata filter sees the change.
    let list: Value = owner
        .get(app.url(&format!("/api/surveys/{survey}/responses?metadata.orderId=A-2")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["meta"]["total"], 1);

    // Without the right token the response does not exist.
    expect_problem(patch(json!({"metadata": {"x": "y"}}), "forged").await.unwrap(), 404).await;
    let other: Value = app
        .client()
        .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
        .json(&json!({"answers": {"q1": 1}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    expect_problem(
        patch(json!({"metadata": {"x": "y"}}), other["responseToken"].as_str().unwrap()).await.unwrap(),
        404,
    )
    .await;
}

#[tokio::test]
async fn skip_logic_decides_what_is_required_and_kept() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let res = owner
        .post(app.url("/api/surveys"))
        .json(&json!({"name": "NPS with follow-up", "status": "published", "questions": [
            {"id": "q1", "type": "nps", "title": "Recommend?", "required": true},
            {"id": "why", "type": "text", "title": "What went wrong?", "required": true,
             "showIf": {"question": "q1", "op": "lte", "value": 6}}
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let survey = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let submit =
        |body: Value| app.client().post(app.url(&format!("/api/client/surveys/{survey}/responses"))).json(&body).send();

    // A promoter is not asked why; an answer sent anyway is dropped.
    let res = submit(json!({"answers": {"q1": 9, "why": "ignored"}})).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let stored: Value = owner.get(app.url(&format!("/api/responses/{id}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(stored["answers"], json!({"q1": 9}));
    // A detractor must say why.
    let problem = expect_problem(submit(json!({"answers": {"q1": 3}})).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["answers.why"]);
    assert_eq!(submit(json!({"answers": {"q1": 3, "why": "Late"}})).await.unwrap().status(), StatusCode::CREATED);

    // Conditions must point to an earlier question.
    let res = owner
        .post(app.url("/api/surveys"))
        .json(&json!({"name": "Bad logic", "questions": [
            {"id": "a", "type": "text", "title": "A", "showIf": {"question": "b", "op": "answered"}},
            {"id": "b", "type": "text", "title": "B"}
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["questions[0].showIf.question"]);
}

#[tokio::test]
async fn surveys_close_themselves_at_their_limit_or_time() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let create = |extra: Value| {
        let mut body = json!({"name": "Limited", "status": "published",
            "questions": [{"id": "q1", "type": "nps", "title": "Recommend?"}]});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        owner.post(app.url("/api/surveys")).json(&body).send()
    };
    let limited: Value = create(json!({"responseLimit": 1})).await.unwrap().json().await.unwrap();
    assert_eq!(limited["responseLimit"], 1);
    let id = limited["id"].as_str().unwrap();
    let submit = |survey: &str| {
        app.client()
            .post(app.url(&format!("/api/client/surveys/{survey}/responses")))
            .json(&json!({"answers": {"q1": 5}}))
            .send()
    };
    assert_eq!(submit(id).await.unwrap().status(), StatusCode::CREATED);
    let problem = expect_problem(submit(id).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["surveyId"]);
    let page = app.client().get(app.url(&format!("/s/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("This survey is closed"), "the page says so politely");

    let past: Value = create(json!({"closesAt": "2020-01-01T00:00:00Z"})).await.unwrap().json().await.unwrap();
    expect_problem(submit(past["id"].as_str().unwrap()).await.unwrap(), 422).await;
    // Closing is recorded (and announced); removing the closing time and
    // publishing again reopens it.
    let path = format!("/api/surveys/{}", past["id"].as_str().unwrap());
    let closed: Value = owner.get(app.url(&path)).send().await.unwrap().json().await.unwrap();
    assert_eq!(closed["status"], "closed");
    let reopened: Value = owner
        .patch(app.url(&path))
        .json(&json!({"closesAt": null, "status": "published"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(reopened["closesAt"].is_null());
    assert_eq!(submit(past["id"].as_str().unwrap()).await.unwrap().status(), StatusCode::CREATED);
    let problem = expect_problem(create(json!({"responseLimit": 0})).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["responseLimit"]);
}
