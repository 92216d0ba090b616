//! Cases: a response opened as a case, assigned, moved through its statuses
//! with every change in its history, counted in the inbox, announced to
//! webhooks; kept within its organisation and behind its scopes.

use crate::common::receiver::Receiver;
use crate::common::webhooks::{answer, survey_webhook};
use crate::common::{
    create_token, expect_problem, get_json, join_by_email, plain_client, problem_fields, rpc, spawn_app,
    spawn_app_with_mail, unique_email, TestApp,
};
use chrono::{Duration, Utc};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn member_id(app: &TestApp, owner: &Client, email: &str) -> String {
    let members: Value = rpc(owner, app, "list_members", &[]).await.json().await.unwrap();
    members["members"].as_array().unwrap().iter().find(|m| m["email"] == email).unwrap()["userId"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn open_case(app: &TestApp, client: &Client, body: Value) -> Value {
    let res = client.post(app.url("/api/cases")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/api/cases/cas_"));
    res.json().await.unwrap()
}

async fn patch(app: &TestApp, client: &Client, id: &str, body: Value) -> reqwest::Response {
    client.patch(app.url(&format!("/api/cases/{id}"))).json(&body).send().await.unwrap()
}

fn fields(history: &Value) -> Vec<String> {
    history.as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect()
}

fn ids(list: &Value) -> Vec<String> {
    list["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_case_is_assigned_worked_resolved_closed_and_reopened_with_its_history() {
    let (app, sink) = spawn_app_with_mail().await;
    let owner = app.signed_in("Cases").await;
    let survey = app.published_survey(&owner).await;
    let response = answer(&app, &survey, 2).await;
    let admin_email = unique_email("agent");
    let admin = join_by_email(&app, &sink, &owner, &admin_email, "admin").await;
    let viewer_email = unique_email("viewer");
    let viewer = join_by_email(&app, &sink, &owner, &viewer_email, "viewer").await;
    let admin_id = member_id(&app, &owner, &admin_email).await;
    let viewer_id = member_id(&app, &owner, &viewer_email).await;

    // Bad input is named, field by field.
    let due = (Utc::now() + Duration::days(1)).to_rfc3339();
    for (body, field) in [
        (json!({"responseId": "rsp_00000000000000000000000000"}), "responseId"),
        (json!({"responseId": "srv_nope"}), "responseId"),
        (json!({"responseId": response, "assigneeId": viewer_id}), "assigneeId"),
        (json!({"responseId": response, "assigneeId": "usr_00000000000000000000000000"}), "assigneeId"),
        (json!({"responseId": response, "dueAt": (Utc::now() - Duration::hours(2)).to_rfc3339()}), "dueAt"),
        (json!({"responseId": response, "title": " "}), "title"),
    ] {
        let problem = expect_problem(owner.post(app.url("/api/cases")).json(&body).send().await.unwrap(), 422).await;
        assert_eq!(problem_fields(&problem), vec![field], "{body}");
    }

    let case = open_case(
        &app,
        &owner,
        json!({"responseId": response, "assigneeId": admin_id, "dueAt": due, "priority": "high"}),
    )
    .await;
    let id = case["id"].as_str().unwrap().to_string();
    assert_eq!(case["status"], "open");
    assert_eq!(case["priority"], "high");
    assert_eq!(case["source"], "member");
    assert_eq!(case["assignee"]["email"], admin_email.as_str());
    assert!(case["title"].as_str().unwrap().starts_with("Follow up: "));
    assert_eq!(case["overdue"], false);
    assert_eq!(fields(&case["history"]), ["created", "assignee", "dueAt"]);
    // One case per response.
    let res = owner.post(app.url("/api/cases")).json(&json!({"responseId": response})).send().await.unwrap();
    assert_eq!(expect_problem(res, 409).await["code"], "case_exists");

    // The inbox: the assignee's, nobody else's; the counts agree.
    assert_eq!(ids(&get_json(&admin, app.url("/api/cases?view=mine")).await), vec![id.clone()]);
    assert!(ids(&get_json(&owner, app.url("/api/cases?view=mine")).await).is_empty());
    assert!(ids(&get_json(&owner, app.url("/api/cases?view=unassigned")).await).is_empty());
    assert_eq!(ids(&get_json(&owner, app.url(&format!("/api/cases?responseId={response}"))).await), vec![id.clone()]);
    let stats = get_json(&admin, app.url("/api/cases/stats")).await;
    assert_eq!(
        (stats["open"].as_i64(), stats["mine"].as_i64(), stats["overdue"].as_i64()),
        (Some(1), Some(1), Some(0))
    );
    assert_eq!(stats["medianSecondsToResolution"], Value::Null);
    let problem =
        expect_problem(owner.get(app.url("/api/cases?view=later&status=done")).send().await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["view", "status"]);

    // Worked on; resolving needs a resolution; a viewer only reads.
    let res = patch(&app, &admin, &id, json!({"status": "in_progress"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    expect_problem(patch(&app, &viewer, &id, json!({"status": "resolved", "resolution": "x"})).await, 403).await;
    assert_eq!(get_json(&viewer, app.url(&format!("/api/cases/{id}"))).await["status"], "in_progress");
    let problem = expect_problem(patch(&app, &admin, &id, json!({"status": "resolved"})).await, 422).await;
    assert_eq!(problem_fields(&problem), vec!["resolution"]);
    let resolved: Value =
        patch(&app, &admin, &id, json!({"status": "resolved", "resolution": "Refunded; <b>sorry</b>."}))
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(resolved["resolution"], "Refunded; <b>sorry</b>.", "kept as text");
    assert!(resolved["resolvedAt"].is_string());
    let problem = expect_problem(patch(&app, &admin, &id, json!({"resolution": null})).await, 422).await;
    assert_eq!(problem_fields(&problem), vec!["resolution"], "a resolved case keeps its resolution");
    // A patch that changes nothing records nothing.
    let same: Value =
        patch(&app, &admin, &id, json!({"status": "resolved", "priority": "high"})).await.json().await.unwrap();
    assert_eq!(same["history"].as_array().unwrap().len(), resolved["history"].as_array().unwrap().len());

    // Closed cases only reopen; reopening starts the clock again.
    assert_eq!(patch(&app, &owner, &id, json!({"status": "closed"})).await.status(), StatusCode::OK);
    let problem = expect_problem(patch(&app, &owner, &id, json!({"status": "in_progress"})).await, 422).await;
    assert_eq!(problem_fields(&problem), vec!["status"]);
    let problem = expect_problem(patch(&app, &owner, &id, json!({"priority": "low"})).await, 422).await;
    assert_eq!(problem_fields(&problem), vec!["status"], "a closed case changes only by reopening");
    let reopened: Value = patch(&app, &owner, &id, json!({"status": "open"})).await.json().await.unwrap();
    assert_eq!((reopened["resolvedAt"].clone(), reopened["closedAt"].clone()), (Value::Null, Value::Null));
    let history = &reopened["history"];
    assert_eq!(fields(history), ["created", "assignee", "dueAt", "status", "status", "resolution", "status", "status"]);
    let moves: Vec<(Value, Value)> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["field"] == "status")
        .map(|e| (e["from"].clone(), e["to"].clone()))
        .collect();
    assert_eq!(
        moves,
        [
            (json!("open"), json!("in_progress")),
            (json!("in_progress"), json!("resolved")),
            (json!("resolved"), json!("closed")),
            (json!("closed"), json!("open")),
        ]
    );
    assert_eq!(history[3]["actor"]["email"], admin_email.as_str(), "each change names who made it");

    // Past its due time, an open case is overdue.
    sqlx::query("UPDATE cases SET due_at = $1 WHERE id = $2")
        .bind((Utc::now() - Duration::hours(1)).timestamp_millis())
        .bind(&id)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let overdue = get_json(&owner, app.url("/api/cases?view=overdue")).await;
    assert_eq!(ids(&overdue), vec![id.clone()]);
    assert_eq!(overdue["data"][0]["overdue"], true);
    assert_eq!(get_json(&owner, app.url(&format!("/api/cases/stats?surveyId={survey}"))).await["overdue"], 1);

    // A member who leaves gives their open cases back, and the history says so.
    let res = rpc(&owner, &app, "remove_member", &[("user_id", &admin_id)]).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let case = get_json(&owner, app.url(&format!("/api/cases/{id}"))).await;
    assert_eq!(case["assignee"], Value::Null);
    let last = case["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["field"].as_str(), last["from"].as_str(), last["to"].clone()),
        (Some("assignee"), Some(admin_id.as_str()), Value::Null)
    );
    assert_eq!(ids(&get_json(&owner, app.url("/api/cases?view=unassigned")).await), vec![id.clone()]);

    // The case goes with its response.
    let res = owner.delete(app.url(&format!("/api/responses/{response}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    expect_problem(owner.get(app.url(&format!("/api/cases/{id}"))).send().await.unwrap(), 404).await;
    let history_left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_events WHERE case_id = $1")
        .bind(&id)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(history_left, 0);
}

#[tokio::test]
async fn the_median_time_to_resolution_counts_resolved_cases_only() {
    let app = spawn_app().await;
    let owner = app.signed_in("Median").await;
    let survey = app.published_survey(&owner).await;
    let mut cases = Vec::new();
    for score in [1, 2, 3] {
        let response = answer(&app, &survey, score).await;
        cases.push(open_case(&app, &owner, json!({"responseId": response})).await["id"].as_str().unwrap().to_string());
    }
    for id in &cases[..2] {
        let res = patch(&app, &owner, id, json!({"status": "resolved", "resolution": "Called."})).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    // Closed without resolving: not a resolution.
    assert_eq!(patch(&app, &owner, &cases[2], json!({"status": "closed"})).await.status(), StatusCode::OK);
    for (id, hours) in [(&cases[0], 1), (&cases[1], 3)] {
        sqlx::query("UPDATE cases SET created_at = resolved_at - $1 WHERE id = $2")
            .bind(hours * 3_600_000_i64)
            .bind(id)
            .execute(app.state.db.pool())
            .await
            .unwrap();
    }
    let stats = get_json(&owner, app.url(&format!("/api/cases/stats?surveyId={survey}"))).await;
    assert_eq!(stats["medianSecondsToResolution"], 2 * 3600, "{stats}");
    assert_eq!(
        (stats["resolved"].as_i64(), stats["closed"].as_i64(), stats["open"].as_i64()),
        (Some(2), Some(1), Some(0))
    );
    let done = get_json(&owner, app.url("/api/cases?view=done&sort=createdAt")).await;
    assert_eq!(done["meta"]["total"], 3);
    expect_problem(owner.get(app.url("/api/cases/stats?surveyId=rsp_x")).send().await.unwrap(), 422).await;
}

#[tokio::test]
async fn another_organisations_cases_are_out_of_reach() {
    let (app, sink) = spawn_app_with_mail().await;
    let ours = app.signed_in("Ours").await;
    let theirs = app.signed_in("Theirs").await;
    let our_survey = app.published_survey(&ours).await;
    let their_survey = app.published_survey(&theirs).await;
    let our_response = answer(&app, &our_survey, 2).await;
    let their_response = answer(&app, &their_survey, 2).await;
    let their_email = unique_email("their-agent");
    join_by_email(&app, &sink, &theirs, &their_email, "admin").await;
    let their_member = member_id(&app, &theirs, &their_email).await;
    let their_case =
        open_case(&app, &theirs, json!({"responseId": their_response})).await["id"].as_str().unwrap().to_string();

    expect_problem(ours.get(app.url(&format!("/api/cases/{their_case}"))).send().await.unwrap(), 404).await;
    expect_problem(patch(&app, &ours, &their_case, json!({"status": "closed"})).await, 404).await;
    let res = ours.post(app.url("/api/cases")).json(&json!({"responseId": their_response})).send().await.unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["responseId"]);
    let body = json!({"responseId": our_response, "assigneeId": their_member});
    let res = ours.post(app.url("/api/cases")).json(&body).send().await.unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["assigneeId"]);
    let ours_case =
        open_case(&app, &ours, json!({"responseId": our_response})).await["id"].as_str().unwrap().to_string();
    let res = patch(&app, &ours, &ours_case, json!({"assigneeId": their_member})).await;
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["assigneeId"]);

    let listed = get_json(&ours, app.url("/api/cases?view=all")).await;
    assert_eq!(ids(&listed), vec![ours_case]);
    assert!(get_json(&ours, app.url(&format!("/api/cases?view=all&surveyId={their_survey}"))).await["data"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(get_json(&ours, app.url("/api/cases/stats")).await["open"], 1);
    assert_eq!(get_json(&theirs, app.url(&format!("/api/cases/{their_case}"))).await["status"], "open", "untouched");
}

#[tokio::test]
async fn cases_need_their_scopes() {
    let app = spawn_app().await;
    let owner = app.signed_in("Scoped cases").await;
    let survey = app.published_survey(&owner).await;
    let first = answer(&app, &survey, 4).await;
    let second = answer(&app, &survey, 5).await;
    let case = open_case(&app, &owner, json!({"responseId": first})).await["id"].as_str().unwrap().to_string();
    let (_, reader) = create_token(&app, &owner, &["cases:read"]).await;
    let (_, writer) = create_token(&app, &owner, &["cases:write"]).await;
    let (_, other) = create_token(&app, &owner, &["responses:read", "responses:write"]).await;
    let api = plain_client();
    for path in ["/api/cases".to_string(), "/api/cases/stats".into(), format!("/api/cases/{case}")] {
        let get = |token: &str| api.get(app.url(&path)).bearer_auth(token.to_string()).send();
        assert_eq!(get(&reader).await.unwrap().status(), StatusCode::OK, "{path}");
        expect_problem(get(&writer).await.unwrap(), 403).await;
        expect_problem(get(&other).await.unwrap(), 403).await;
    }
    let create = |token: &str| {
        api.post(app.url("/api/cases")).bearer_auth(token.to_string()).json(&json!({"responseId": second})).send()
    };
    expect_problem(create(&reader).await.unwrap(), 403).await;
    expect_problem(create(&other).await.unwrap(), 403).await;
    let res = create(&writer).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // A token works the case as the member who created it.
    assert!(res.json::<Value>().await.unwrap()["openedBy"]["email"].as_str().unwrap().starts_with("scoped-cases-"));
    let change = |token: &str| {
        api.patch(app.url(&format!("/api/cases/{case}")))
            .bearer_auth(token.to_string())
            .json(&json!({"priority": "urgent"}))
            .send()
    };
    expect_problem(change(&reader).await.unwrap(), 403).await;
    expect_problem(change(&other).await.unwrap(), 403).await;
    assert_eq!(change(&writer).await.unwrap().status(), StatusCode::OK);
    // Cases are not deleted, only closed.
    let res = owner.delete(app.url(&format!("/api/cases/{case}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn case_changes_reach_webhooks_in_order_with_what_changed() {
    let app = spawn_app().await;
    let owner = app.signed_in("Case hooks").await;
    let survey = app.published_survey(&owner).await;
    let everything = Receiver::start(&[]).await;
    let ids_only = Receiver::start(&[]).await;
    survey_webhook(&app, &owner, &survey, &everything.url, json!(["*"])).await;
    let thin = survey_webhook(&app, &owner, &survey, &ids_only.url, json!(["case.updated"])).await;
    let res = owner
        .patch(app.url(&format!("/api/surveys/{survey}/webhooks/{}", thin["id"].as_str().unwrap())))
        .json(&json!({"thinPayload": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let response = answer(&app, &survey, 1).await;
    let case = open_case(&app, &owner, json!({"responseId": response, "title": "Call back"})).await;
    let id = case["id"].as_str().unwrap();
    let res = patch(&app, &owner, id, json!({"status": "resolved", "resolution": "Refunded."})).await;
    assert_eq!(res.status(), StatusCode::OK);

    let got = everything.wait_for(4).await;
    let types: Vec<Value> = got.iter().map(|r| r.json()["type"].clone()).collect();
    assert_eq!(
        types,
        [
            json!("survey.response.created"),
            json!("survey.response.completed"),
            json!("case.created"),
            json!("case.updated")
        ]
    );
    let created = &got[2].json()["data"];
    assert_eq!((created["id"].as_str(), created["title"].as_str()), (Some(id), Some("Call back")));
    let updated = &got[3].json()["data"];
    assert_eq!(updated["status"], "resolved");
    assert_eq!(
        updated["changes"],
        json!([
            {"field": "status", "from": "open", "to": "resolved"},
            {"field": "resolution", "from": null, "to": "Refunded."},
        ])
    );
    let thin_update = ids_only.wait_for(1).await[0].json();
    assert_eq!(
        thin_update["data"],
        json!({"id": id, "responseId": response, "surveyId": survey, "status": "resolved"})
    );
}

#[tokio::test]
async fn the_dashboard_does_not_overwrite_a_change_made_meanwhile() {
    let app = spawn_app().await;
    let owner = app.signed_in("Meanwhile").await;
    let survey = app.published_survey(&owner).await;
    let response = answer(&app, &survey, 2).await;
    let long_name = "n".repeat(200);
    let res =
        owner.patch(app.url(&format!("/api/surveys/{survey}"))).json(&json!({"name": long_name})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let case = open_case(&app, &owner, json!({"responseId": response})).await;
    assert_eq!(case["title"].as_str().unwrap().chars().count(), 200, "a default title stays within the limit");
    let id = case["id"].as_str().unwrap().to_string();
    let read_at = case["updatedAt"].as_str().unwrap().to_string();

    // Someone else moves it while the form is open.
    assert_eq!(patch(&app, &owner, &id, json!({"status": "in_progress"})).await.status(), StatusCode::OK);
    let form = |read_at: &str| {
        vec![
            ("id", id.clone()),
            ("status", "closed".to_string()),
            ("assignee_id", String::new()),
            ("due_at", String::new()),
            ("priority", "normal".to_string()),
            ("resolution", String::new()),
            ("updated_at", read_at.to_string()),
        ]
    };
    let stale = form(&read_at);
    let stale: Vec<(&str, &str)> = stale.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = rpc(&owner, &app, "update_case", &stale).await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED, "{}", res.text().await.unwrap());
    assert_eq!(get_json(&owner, app.url(&format!("/api/cases/{id}"))).await["status"], "in_progress");
    let fresh_read =
        get_json(&owner, app.url(&format!("/api/cases/{id}"))).await["updatedAt"].as_str().unwrap().to_string();
    let fresh = form(&fresh_read);
    let fresh: Vec<(&str, &str)> = fresh.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = rpc(&owner, &app, "update_case", &fresh).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    assert_eq!(get_json(&owner, app.url(&format!("/api/cases/{id}"))).await["status"], "closed");

    // Through the API, If-Match with the ETag read.
    let read = owner.get(app.url(&format!("/api/cases/{id}"))).send().await.unwrap();
    let etag = read.headers()["etag"].to_str().unwrap().to_string();
    let reopen = |tag: &str| {
        owner
            .patch(app.url(&format!("/api/cases/{id}")))
            .header("If-Match", tag)
            .json(&json!({"status": "open"}))
            .send()
    };
    expect_problem(reopen("\"1\"").await.unwrap(), 412).await;
    expect_problem(reopen("yesterday").await.unwrap(), 422).await;
    let res = reopen(&etag).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_ne!(res.headers()["etag"].to_str().unwrap(), etag, "a change is a new version");
    expect_problem(reopen(&etag).await.unwrap(), 412).await;
}
