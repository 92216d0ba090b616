//! Tags on responses (one at a time and in bulk from a filter, a filter
//! everywhere, a CSV column) and members' internal notes (their author, who
//! may change them, and the opt-in webhook event), each kept within its
//! organisation and behind its scope.

use crate::common::receiver::Receiver;
use crate::common::webhooks::{answer, survey_webhook};
use crate::common::{
    create_token, expect_problem, get_json, join_by_email, plain_client, problem_fields, spawn_app,
    spawn_app_with_mail, unique_email, TestApp,
};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn create_tag(app: &TestApp, client: &Client, body: Value) -> Value {
    let res = client.post(app.url("/api/tags")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/api/tags/tag_"));
    res.json().await.unwrap()
}

fn ids(list: &Value) -> Vec<String> {
    let mut ids: Vec<String> =
        list["data"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().into()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn tags_are_put_on_responses_and_filter_lists_overviews_and_exports() {
    let app = spawn_app().await;
    let owner = app.signed_in("Tagging").await;
    let survey = app.published_survey(&owner).await;
    let low = answer(&app, &survey, 3).await;
    let mid = answer(&app, &survey, 5).await;
    let high = answer(&app, &survey, 9).await;

    let urgent = create_tag(&app, &owner, json!({"name": " Urgent ", "color": "#DC2626"})).await;
    assert_eq!((urgent["name"].as_str(), urgent["color"].as_str()), (Some("Urgent"), Some("#dc2626")));
    let follow_up = create_tag(&app, &owner, json!({"name": "follow up"})).await;
    assert!(follow_up["color"].as_str().unwrap().starts_with('#'), "a colour is chosen when none is given");
    let (urgent_id, follow_id) = (urgent["id"].as_str().unwrap(), follow_up["id"].as_str().unwrap());

    // Names are unique regardless of case; bad values are named.
    expect_problem(owner.post(app.url("/api/tags")).json(&json!({"name": "URGENT"})).send().await.unwrap(), 409).await;
    let problem = expect_problem(
        owner.post(app.url("/api/tags")).json(&json!({"name": "x", "color": "red"})).send().await.unwrap(),
        422,
    )
    .await;
    assert_eq!(problem_fields(&problem), vec!["color"]);
    let problem =
        expect_problem(owner.post(app.url("/api/tags")).json(&json!({"name": "a;b"})).send().await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["name"]);
    let res =
        owner.patch(app.url(&format!("/api/tags/{follow_id}"))).json(&json!({"name": "urgent"})).send().await.unwrap();
    expect_problem(res, 409).await;

    // One at a time, idempotently.
    for _ in 0..2 {
        let res = owner.put(app.url(&format!("/api/responses/{low}/tags/{urgent_id}"))).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
    }
    let on_low = get_json(&owner, app.url(&format!("/api/responses/{low}/tags"))).await;
    assert_eq!(on_low.as_array().unwrap().len(), 1);
    assert_eq!(get_json(&owner, app.url(&format!("/api/responses/{low}"))).await["tags"], json!(["Urgent"]));
    assert_eq!(get_json(&owner, app.url(&format!("/api/tags/{urgent_id}"))).await["responseCount"], 1);

    // In bulk, on what a filter matches: the detractors.
    let bulk = |query: &str, body: Value| {
        owner.post(app.url(&format!("/api/surveys/{survey}/responses/tags?{query}"))).json(&body).send()
    };
    let done: Value = bulk("answer.q1=lte:6", json!({"add": [follow_id]})).await.unwrap().json().await.unwrap();
    assert_eq!(done, json!({"matched": 2, "added": 2, "removed": 0}));
    let again: Value = bulk("answer.q1=lte:6", json!({"add": [follow_id]})).await.unwrap().json().await.unwrap();
    assert_eq!(again["added"], 0, "a tag already there is not added twice");
    let only: Value = bulk("", json!({"add": [urgent_id], "responseIds": [high]})).await.unwrap().json().await.unwrap();
    assert_eq!(only, json!({"matched": 1, "added": 1, "removed": 0}));
    let problem =
        expect_problem(bulk("", json!({"add": ["tag_00000000000000000000000000"]})).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["add[0]"]);
    let problem = expect_problem(bulk("answer.q1=lte:six", json!({"add": [follow_id]})).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["answer.q1"]);

    // A filter everywhere: lists (by name in any case, or id; several must all match), overview, export.
    let list = |query: String| get_json(&owner, app.url(&format!("/api/surveys/{survey}/responses?{query}")));
    let mut urgent_ones = vec![low.clone(), high.clone()];
    urgent_ones.sort();
    assert_eq!(ids(&list("tag=urgent".into()).await), urgent_ones);
    assert_eq!(ids(&list(format!("tag={urgent_id}")).await), urgent_ones);
    assert_eq!(ids(&list("tag=Urgent&tag=follow%20up".into()).await), vec![low.clone()]);
    assert_eq!(list("tag=nobody-uses-this".into()).await["meta"]["total"], 0);
    let overview = get_json(&owner, app.url(&format!("/api/surveys/{survey}/overview?tag=follow%20up"))).await;
    assert_eq!(overview["responses"], 2);
    assert_eq!(overview["nps"]["detractors"], 2);
    let csv = owner
        .get(app.url(&format!("/api/surveys/{survey}/responses/export?format=csv&tag=urgent")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].ends_with(",metadata,tags"), "tags come last: {}", lines[0]);
    let low_line = lines.iter().find(|l| l.starts_with(&low)).unwrap();
    assert!(low_line.ends_with(",follow up; Urgent"), "{low_line}");
    let ndjson = owner
        .get(app.url(&format!("/api/surveys/{survey}/responses/export?format=ndjson&tag=urgent&tag=follow%20up")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let row: Value = serde_json::from_str(ndjson.lines().next().unwrap()).unwrap();
    assert_eq!(row["tags"], json!(["follow up", "Urgent"]));

    // Taken off one at a time, in bulk, and with the tag itself.
    let res = owner.delete(app.url(&format!("/api/responses/{high}/tags/{urgent_id}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let removed: Value = bulk("", json!({"remove": [follow_id]})).await.unwrap().json().await.unwrap();
    assert_eq!(removed, json!({"matched": 3, "added": 0, "removed": 2}));
    let res = owner.delete(app.url(&format!("/api/tags/{urgent_id}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(get_json(&owner, app.url(&format!("/api/responses/{low}"))).await["tags"], json!([]));
    assert_eq!(get_json(&owner, app.url("/api/tags")).await["meta"]["total"], 1);
    let _ = mid;
}

#[tokio::test]
async fn another_organisations_tags_and_responses_are_out_of_reach() {
    let app = spawn_app().await;
    let ours = app.signed_in("Ours").await;
    let theirs = app.signed_in("Theirs").await;
    let our_survey = app.published_survey(&ours).await;
    let their_survey = app.published_survey(&theirs).await;
    let our_response = answer(&app, &our_survey, 2).await;
    let their_response = answer(&app, &their_survey, 2).await;
    let our_tag = create_tag(&app, &ours, json!({"name": "vip"})).await["id"].as_str().unwrap().to_string();
    // The same name in another organisation is another tag.
    let their_tag = create_tag(&app, &theirs, json!({"name": "vip"})).await["id"].as_str().unwrap().to_string();
    let res = theirs.put(app.url(&format!("/api/responses/{their_response}/tags/{their_tag}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = theirs
        .post(app.url(&format!("/api/responses/{their_response}/notes")))
        .json(&json!({"body": "Theirs."}))
        .send()
        .await
        .unwrap();
    let their_note = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();

    for res in [
        ours.get(app.url(&format!("/api/tags/{their_tag}"))).send().await.unwrap(),
        ours.patch(app.url(&format!("/api/tags/{their_tag}"))).json(&json!({"name": "mine"})).send().await.unwrap(),
        ours.delete(app.url(&format!("/api/tags/{their_tag}"))).send().await.unwrap(),
        ours.get(app.url(&format!("/api/responses/{their_response}/tags"))).send().await.unwrap(),
        ours.put(app.url(&format!("/api/responses/{our_response}/tags/{their_tag}"))).send().await.unwrap(),
        ours.put(app.url(&format!("/api/responses/{their_response}/tags/{our_tag}"))).send().await.unwrap(),
        ours.delete(app.url(&format!("/api/responses/{their_response}/tags/{their_tag}"))).send().await.unwrap(),
        ours.post(app.url(&format!("/api/surveys/{their_survey}/responses/tags")))
            .json(&json!({"add": [our_tag]}))
            .send()
            .await
            .unwrap(),
        ours.get(app.url(&format!("/api/responses/{their_response}/notes"))).send().await.unwrap(),
        ours.post(app.url(&format!("/api/responses/{their_response}/notes")))
            .json(&json!({"body": "hi"}))
            .send()
            .await
            .unwrap(),
        ours.patch(app.url(&format!("/api/responses/{their_response}/notes/{their_note}")))
            .json(&json!({"body": "mine"}))
            .send()
            .await
            .unwrap(),
        ours.delete(app.url(&format!("/api/responses/{their_response}/notes/{their_note}"))).send().await.unwrap(),
        ours.patch(app.url(&format!("/api/responses/{our_response}/notes/{their_note}")))
            .json(&json!({"body": "mine"}))
            .send()
            .await
            .unwrap(),
    ] {
        expect_problem(res, 404).await;
    }
    let res = ours
        .post(app.url(&format!("/api/surveys/{our_survey}/responses/tags")))
        .json(&json!({"add": [their_tag]}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), vec!["add[0]"]);
    // Their response is not among ours, even when named.
    let res = ours
        .post(app.url(&format!("/api/surveys/{our_survey}/responses/tags")))
        .json(&json!({"add": [our_tag], "responseIds": [their_response]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["matched"], 0);
    assert_eq!(get_json(&theirs, app.url(&format!("/api/responses/{their_response}"))).await["tags"], json!(["vip"]));
    let listed = get_json(&ours, app.url("/api/tags")).await;
    assert_eq!(ids(&listed), vec![our_tag.clone()]);
    assert_eq!(listed["data"][0]["responseCount"], 0);
    let their_notes = get_json(&theirs, app.url(&format!("/api/responses/{their_response}/notes"))).await;
    assert_eq!(their_notes[0]["body"], "Theirs.", "untouched by the other organisation");
}

#[tokio::test]
async fn tags_and_notes_need_their_scopes() {
    let app = spawn_app().await;
    let owner = app.signed_in("Scoped").await;
    let survey = app.published_survey(&owner).await;
    let response = answer(&app, &survey, 4).await;
    let tag = create_tag(&app, &owner, json!({"name": "late"})).await["id"].as_str().unwrap().to_string();
    let (_, reader) = create_token(&app, &owner, &["responses:read"]).await;
    let (_, writer) = create_token(&app, &owner, &["responses:write"]).await;
    let (_, other) = create_token(&app, &owner, &["surveys:read", "surveys:write"]).await;
    let api = plain_client();
    let call = |method: reqwest::Method, path: String, token: &str, body: Option<Value>| {
        let mut request = api.request(method, app.url(&path)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send()
    };
    use reqwest::Method;
    let reads = [
        "/api/tags".to_string(),
        format!("/api/tags/{tag}"),
        format!("/api/responses/{response}/tags"),
        format!("/api/responses/{response}/notes"),
    ];
    for path in &reads {
        assert_eq!(call(Method::GET, path.clone(), &reader, None).await.unwrap().status(), StatusCode::OK, "{path}");
        expect_problem(call(Method::GET, path.clone(), &writer, None).await.unwrap(), 403).await;
        expect_problem(call(Method::GET, path.clone(), &other, None).await.unwrap(), 403).await;
    }
    let writes: [(Method, String, Option<Value>); 5] = [
        (Method::POST, "/api/tags".into(), Some(json!({"name": "from a token"}))),
        (Method::PATCH, format!("/api/tags/{tag}"), Some(json!({"color": "#000000"}))),
        (Method::PUT, format!("/api/responses/{response}/tags/{tag}"), None),
        (Method::POST, format!("/api/surveys/{survey}/responses/tags"), Some(json!({"add": [tag]}))),
        (Method::POST, format!("/api/responses/{response}/notes"), Some(json!({"body": "Called back."}))),
    ];
    for (method, path, body) in writes {
        expect_problem(call(method.clone(), path.clone(), &reader, body.clone()).await.unwrap(), 403).await;
        let res = call(method, path.clone(), &writer, body).await.unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
    }
    // A token writes notes as the member who created it.
    let notes = get_json(&owner, app.url(&format!("/api/responses/{response}/notes"))).await;
    assert_eq!(notes[0]["body"], "Called back.");
    assert!(notes[0]["author"]["email"].as_str().unwrap().starts_with("scoped-"));
    let note = format!("/api/responses/{response}/notes/{}", notes[0]["id"].as_str().unwrap());
    let untag = format!("/api/responses/{response}/tags/{tag}");
    for (method, path, body) in [
        (Method::PATCH, note.clone(), Some(json!({"body": "Called back twice."}))),
        (Method::DELETE, untag.clone(), None),
        (Method::DELETE, note.clone(), None),
    ] {
        expect_problem(call(method.clone(), path.clone(), &reader, body.clone()).await.unwrap(), 403).await;
        expect_problem(call(method.clone(), path.clone(), &other, body.clone()).await.unwrap(), 403).await;
        let res = call(method, path.clone(), &writer, body).await.unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
    }
    expect_problem(call(Method::DELETE, format!("/api/tags/{tag}"), &reader, None).await.unwrap(), 403).await;
    assert_eq!(
        call(Method::DELETE, format!("/api/tags/{tag}"), &writer, None).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn notes_belong_to_their_author_and_go_with_their_response() {
    let (app, sink) = spawn_app_with_mail().await;
    let owner = app.signed_in("Notes").await;
    let survey = app.published_survey(&owner).await;
    let response = answer(&app, &survey, 2).await;
    let admin = join_by_email(&app, &sink, &owner, &unique_email("admin"), "admin").await;
    let viewer = join_by_email(&app, &sink, &owner, &unique_email("viewer"), "viewer").await;
    let notes_url = app.url(&format!("/api/responses/{response}/notes"));

    let res =
        admin.post(&notes_url).json(&json!({"body": "  Called back; <b>voucher</b> sent.\n"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let note: Value = res.json().await.unwrap();
    assert_eq!(note["body"], "Called back; <b>voucher</b> sent.", "kept as text, trimmed");
    assert_eq!(note["responseId"], response.as_str());
    assert_eq!(note["surveyId"], survey.as_str());
    let note_url = format!("{notes_url}/{}", note["id"].as_str().unwrap());

    // Every member reads it; a viewer cannot write one, nor make, delete or put on tags.
    expect_problem(viewer.post(app.url("/api/tags")).json(&json!({"name": "mine"})).send().await.unwrap(), 403).await;
    let tag = create_tag(&app, &admin, json!({"name": "kept"})).await["id"].as_str().unwrap().to_string();
    expect_problem(viewer.delete(app.url(&format!("/api/tags/{tag}"))).send().await.unwrap(), 403).await;
    let res = viewer.put(app.url(&format!("/api/responses/{response}/tags/{tag}"))).send().await.unwrap();
    expect_problem(res, 403).await;
    assert_eq!(get_json(&viewer, notes_url.clone()).await.as_array().unwrap().len(), 1);
    expect_problem(viewer.post(&notes_url).json(&json!({"body": "me too"})).send().await.unwrap(), 403).await;
    let problem = expect_problem(admin.post(&notes_url).json(&json!({"body": "   "})).send().await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), vec!["body"]);

    // Only its author edits it.
    expect_problem(owner.patch(&note_url).json(&json!({"body": "rewritten"})).send().await.unwrap(), 403).await;
    let edited: Value =
        admin.patch(&note_url).json(&json!({"body": "Voucher used."})).send().await.unwrap().json().await.unwrap();
    assert_eq!(edited["body"], "Voucher used.");
    assert_eq!(edited["createdAt"], note["createdAt"]);

    // The owner may delete anyone's note; the owner's own note goes with the response.
    assert_eq!(owner.delete(&note_url).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    expect_problem(admin.patch(&note_url).json(&json!({"body": "again"})).send().await.unwrap(), 404).await;
    assert_eq!(
        owner.post(&notes_url).json(&json!({"body": "Mine."})).send().await.unwrap().status(),
        StatusCode::CREATED
    );
    assert_eq!(
        owner.delete(app.url(&format!("/api/responses/{response}"))).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    expect_problem(owner.get(&notes_url).send().await.unwrap(), 404).await;
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM response_notes WHERE response_id = $1")
        .bind(&response)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(left, 0, "notes are deleted with their response");
}

#[tokio::test]
async fn a_note_reaches_only_endpoints_that_subscribe_to_notes_by_name() {
    let app = spawn_app().await;
    let owner = app.signed_in("Hooks").await;
    let survey = app.published_survey(&owner).await;
    let everything = Receiver::start(&[]).await;
    let notes_too = Receiver::start(&[]).await;
    let ids_only = Receiver::start(&[]).await;
    survey_webhook(&app, &owner, &survey, &everything.url, json!(["*"])).await;
    let hook = survey_webhook(&app, &owner, &survey, &notes_too.url, json!(["*", "response.note.created"])).await;
    assert_eq!(hook["events"], json!(["*", "response.note.created"]));
    let thin = survey_webhook(&app, &owner, &survey, &ids_only.url, json!(["response.note.created"])).await;
    let res = owner
        .patch(app.url(&format!("/api/surveys/{survey}/webhooks/{}", thin["id"].as_str().unwrap())))
        .json(&json!({"thinPayload": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());

    let response = answer(&app, &survey, 1).await;
    let res = owner
        .post(app.url(&format!("/api/responses/{response}/notes")))
        .json(&json!({"body": "Escalated to the store manager."}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // The note follows the response's own events, in order.
    let got = notes_too.wait_for(3).await;
    let types: Vec<Value> = got.iter().map(|r| r.json()["type"].clone()).collect();
    assert_eq!(
        types,
        vec![json!("survey.response.created"), json!("survey.response.completed"), json!("response.note.created")]
    );
    let note = &got[2].json()["data"];
    assert_eq!(note["body"], "Escalated to the store manager.");
    assert_eq!(note["responseId"], response.as_str());
    // An endpoint that takes ids only gets the note's ids, not its text or author.
    let thin_note = ids_only.wait_for(1).await[0].json();
    assert_eq!(thin_note["type"], "response.note.created");
    assert_eq!(thin_note["data"], json!({"id": note["id"], "responseId": response, "surveyId": survey}));

    // "*" covers the responses' events but not the note: deliveries keep
    // their order, so a note queued for it would arrive before the next response's.
    answer(&app, &survey, 10).await;
    let plain = everything.wait_for(4).await;
    let types: Vec<Value> = plain.iter().map(|r| r.json()["type"].clone()).collect();
    assert!(types.iter().all(|t| t.as_str().unwrap().starts_with("survey.response.")), "{types:?}");
    assert!(plain.iter().all(|r| !String::from_utf8_lossy(&r.body).contains("Escalated")));

    // A deleted note leaves no text in the delivery log.
    let note_id = note["id"].as_str().unwrap().to_string();
    let res = owner.delete(app.url(&format!("/api/responses/{response}/notes/{note_id}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let logged: Vec<String> =
        sqlx::query_scalar("SELECT payload FROM webhook_deliveries WHERE event = 'response.note.created'")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(logged.len(), 2, "one for each endpoint that asked");
    assert!(logged.iter().all(|p| !p.contains("Escalated") && p.contains("\"redacted\":true")), "{logged:?}");
}
