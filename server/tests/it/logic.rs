//! Survey logic (README "Surveys → Logic"): conditions in groups over
//! answers, hidden fields, metadata and variables; jumps, required answers
//! and calculations; several endings with a redirect. The server walks the
//! answers itself, so what a response must contain, its variables and its
//! ending never depend on what a client claims.

use crate::common::{expect_problem, get_json, problem_fields, spawn_app, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// NPS with a branch per group and a quiz-like score.
fn survey_body() -> Value {
    json!({
        "name": "After the visit", "status": "published",
        "hiddenFields": ["store"],
        "variables": [{"id": "score", "type": "number"}, {"id": "segment", "type": "text"}],
        "endings": [
            {"id": "fan", "title": "Thank you, fan!", "redirectUrl": "https://reviews.example/new?nps={{q1}}&store={{hidden.store|none}}&s={{var.score}}"},
            {"id": "sorry", "title": "We are sorry", "text": "Your score: {{var.score}}. We will call you about {{fix|it}}."}
        ],
        "questions": [
            {"id": "q1", "type": "nps", "title": "Recommend us?", "required": true, "logic": [
                {"when": {"question": "q1", "op": "gte", "value": 9},
                 "actions": [{"type": "calculate", "variable": "segment", "operator": "assign", "value": "promoter"},
                             {"type": "jump", "ending": "fan"}]},
                {"when": {"match": "any", "conditions": [
                    {"question": "q1", "op": "lte", "value": 6},
                    {"match": "all", "conditions": [{"hidden": "store", "op": "eq", "value": "athens"},
                                                    {"question": "q1", "op": "lte", "value": 8}]}]},
                 "actions": [{"type": "require", "question": "fix"}, {"type": "jump", "question": "fix"},
                             {"type": "calculate", "variable": "score", "operator": "add", "valueFrom": "q1"}]}
            ]},
            {"id": "praise", "type": "text", "title": "What did you like?"},
            {"id": "fix", "type": "text", "title": "What should we fix?", "logic": [
                {"when": {"question": "q1", "op": "lte", "value": 6},
                 "actions": [{"type": "calculate", "variable": "score", "operator": "multiply", "value": 10},
                             {"type": "jump", "ending": "sorry"}]}
            ]},
            {"id": "never", "type": "text", "title": "Only after praise"}
        ]
    })
}

async fn created(app: &TestApp, owner: &Client, body: Value) -> String {
    let res = owner.post(app.url("/api/surveys")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

/// The response as the organisation reads it (the client API answers only `{id, responseToken}`).
async fn read_back(app: &TestApp, owner: &Client, res: reqwest::Response) -> Value {
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    get_json(owner, app.url(&format!("/api/responses/{}", created["id"].as_str().unwrap()))).await
}

async fn respond(app: &TestApp, survey: &str, body: Value) -> reqwest::Response {
    app.client().post(app.url(&format!("/api/client/surveys/{survey}/responses"))).json(&body).send().await.unwrap()
}

#[tokio::test]
async fn answers_lead_the_way_and_the_response_records_its_variables_and_ending() {
    let app = spawn_app().await;
    let owner = app.signed_in("Taverna").await;
    let survey = created(&app, &owner, survey_body()).await;
    let stored = get_json(&owner, app.url(&format!("/api/surveys/{survey}"))).await;
    assert_eq!(stored["questions"][0]["logic"], survey_body()["questions"][0]["logic"], "kept as written");
    assert_eq!(stored["endings"], survey_body()["endings"]);

    // A detractor must say what to fix: logic made it required.
    let problem = expect_problem(app.submit_completed(&survey, json!({"q1": 3})).await, 422).await;
    assert_eq!(problem_fields(&problem), ["answers.fix"]);
    // Answered, the way skips "praise" (its answer is dropped) and ends at "sorry".
    let res = app.submit_completed(&survey, json!({"q1": 3, "praise": "stale", "fix": "Cold food"})).await;
    let detractor = read_back(&app, &owner, res).await;
    assert_eq!(detractor["answers"], json!({"q1": 3, "fix": "Cold food"}));
    assert_eq!(detractor["variables"], json!({"score": 30, "segment": ""}));
    assert_eq!(detractor["ending"], "sorry");

    // A promoter ends at once; nothing after q1 is kept and nothing is required.
    let fan = read_back(&app, &owner, app.submit_completed(&survey, json!({"q1": 10, "fix": "x"})).await).await;
    assert_eq!(fan["answers"], json!({"q1": 10}));
    assert_eq!(fan["variables"], json!({"score": 0, "segment": "promoter"}));
    assert_eq!(fan["ending"], "fan");

    // A passive in Athens (a hidden field in an AND group inside an OR) is asked what to fix too.
    let res = respond(&app, &survey, json!({"answers": {"q1": 8}, "hiddenFields": {"store": "athens"}})).await;
    let problem = expect_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), ["answers.fix"]);
    // Elsewhere, the standard way: praise, fix, and the standard thank-you.
    let passive =
        read_back(&app, &owner, app.submit_completed(&survey, json!({"q1": 8, "praise": "Food"})).await).await;
    assert_eq!(passive["answers"], json!({"q1": 8, "praise": "Food"}));
    assert_eq!(passive["ending"], Value::Null);

    // Variables and endings are the server's own: a client cannot send them.
    let res = respond(&app, &survey, json!({"answers": {"q1": 10}, "variables": {"score": 1000}})).await;
    let sent = read_back(&app, &owner, res).await;
    assert_eq!(sent["variables"]["score"], 0, "{sent}");

    // Listed and exported with their own columns.
    let list = get_json(&owner, app.url(&format!("/api/surveys/{survey}/responses?per_page=10"))).await;
    assert!(list["data"].as_array().unwrap().iter().any(|r| r["ending"] == "sorry" && r["variables"]["score"] == 30));
    let csv = owner
        .get(app.url(&format!("/api/surveys/{survey}/responses/export?format=csv")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with("hidden.store,var.score,var.segment,ending,metadata,tags"), "{header}");
    assert!(csv.contains(",30,,sorry,"), "{csv}");
}

#[tokio::test]
async fn a_response_continued_step_by_step_reaches_its_ending_on_completion() {
    let app = spawn_app().await;
    let owner = app.signed_in("Taverna").await;
    let survey = created(&app, &owner, survey_body()).await;
    let res = respond(&app, &survey, json!({"answers": {"q1": 2}, "completed": false})).await;
    let started: Value = res.json().await.unwrap();
    let (id, token) = (started["id"].as_str().unwrap(), started["responseToken"].as_str().unwrap());
    let read = get_json(&owner, app.url(&format!("/api/responses/{id}"))).await;
    // As if it ended now: 2, times 10 on the way past "fix".
    assert_eq!(read["variables"]["score"], 20, "calculated as the answers arrive");
    assert_eq!(read["ending"], Value::Null, "no ending before the end");
    let patch = |body: Value| {
        app.client().patch(app.url(&format!("/api/client/responses/{id}"))).bearer_auth(token).json(&body).send()
    };
    let problem = expect_problem(patch(json!({"completed": true})).await.unwrap(), 422).await;
    assert_eq!(problem_fields(&problem), ["answers.fix"]);
    let done: Value =
        patch(json!({"answers": {"fix": "Music"}, "completed": true})).await.unwrap().json().await.unwrap();
    assert_eq!((done["ending"].clone(), done["variables"]["score"].clone()), (json!("sorry"), json!(20)));
    // Metadata attached later changes neither.
    let later: Value = patch(json!({"metadata": {"table": 4}})).await.unwrap().json().await.unwrap();
    assert_eq!((later["ending"].clone(), later["variables"]["score"].clone()), (json!("sorry"), json!(20)));
}

#[tokio::test]
async fn without_javascript_the_form_goes_to_the_ending_or_its_address() {
    let app = spawn_app().await;
    let owner = app.signed_in("Taverna").await;
    let survey = created(&app, &owner, survey_body()).await;
    let post = |form: Vec<(&'static str, &'static str)>| {
        let (app, survey) = (&app, survey.clone());
        async move { app.client().post(app.url(&format!("/s/{survey}"))).form(&form).send().await.unwrap() }
    };
    // The fan's ending sends them to its address, answers filled in and encoded.
    let res = post(vec![("q.q1", "10"), ("hidden.store", "Ag. Nikolaos & Co"), ("language", "en")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, "https://reviews.example/new?nps=10&store=Ag.%20Nikolaos%20%26%20Co&s=0");

    // The detractor's ending is shown by Vox, with the score the logic calculated.
    let res = post(vec![("q.q1", "4"), ("q.fix", "Noise")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(&format!("/s/{survey}/thanks?logic.ending=sorry")), "{location}");
    assert!(location.contains("var.score=40"), "{location}");
    let page = app.client().get(app.url(&location)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("We are sorry"), "{page}");
    assert!(page.contains("Your score: 40. We will call you about it."), "{page}");
    // An edited address shows numbers only, and only for endings that exist.
    let edited = format!("/s/{survey}/thanks?logic.ending=nope&var.score=%3Cb%3E");
    let page = app.client().get(app.url(&edited)).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("We are sorry") && !page.contains("<b>"), "{page}");

    // What logic requires is asked for again, by name.
    let res = post(vec![("q.q1", "4")]).await;
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("invalid=fix"), "{location}");
}

#[tokio::test]
async fn logic_that_cannot_work_is_refused_by_name() {
    let app = spawn_app().await;
    let owner = app.signed_in("Taverna").await;
    let mut body = survey_body();
    // A jump backwards could loop forever.
    body["questions"][2]["logic"][0]["actions"][1] = json!({"type": "jump", "question": "praise"});
    // An undeclared variable, ending and hidden field; a date compared with a number.
    body["questions"][1]["logic"] =
        json!([{"actions": [{"type": "calculate", "variable": "ghost", "operator": "add", "value": 1}]}]);
    body["questions"][3]["showIf"] = json!({"match": "all", "conditions": [
        {"hidden": "campaign", "op": "eq", "value": "x"}, {"question": "q1", "op": "before", "value": 3}]});
    body["endings"][1]["text"] = json!("{{var.missing}}");
    let problem = expect_problem(owner.post(app.url("/api/surveys")).json(&body).send().await.unwrap(), 422).await;
    let fields = problem_fields(&problem);
    for field in [
        "questions[2].logic[0].actions[1].question",
        "questions[1].logic[0].actions[0].variable",
        "questions[3].showIf.conditions[0].hidden",
        "questions[3].showIf.conditions[1].value",
        "endings[1].text",
    ] {
        assert!(fields.iter().any(|f| f == field), "{field}: {problem}");
    }
    let jump = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "questions[2].logic[0].actions[1].question");
    assert!(jump.unwrap()["message"].as_str().unwrap().contains("only jump forward"), "{problem}");
    // A malformed group names its place rather than "did not match".
    let mut body = survey_body();
    body["questions"][3]["showIf"] = json!({"match": "any", "conditions": [{"question": "q1", "op": "around"}]});
    let problem = expect_problem(owner.post(app.url("/api/surveys")).json(&body).send().await.unwrap(), 422).await;
    assert!(problem.to_string().contains("around"), "{problem}");
}

#[tokio::test]
async fn conditions_read_metadata_and_organisations_never_see_each_others_logic() {
    let app = spawn_app().await;
    let owner = app.signed_in("Taverna").await;
    let survey = created(
        &app,
        &owner,
        json!({"name": "Plans", "status": "published", "questions": [
            {"id": "q1", "type": "csat", "title": "Happy?"},
            {"id": "pro", "type": "text", "title": "What would make Pro better?", "required": true,
             "showIf": {"metadata": "plan", "op": "eq", "value": "pro"}}
        ]}),
    )
    .await;
    let res = respond(&app, &survey, json!({"answers": {"q1": 4}, "metadata": {"plan": "pro"}})).await;
    assert_eq!(problem_fields(&expect_problem(res, 422).await), ["answers.pro"]);
    let res = respond(&app, &survey, json!({"answers": {"q1": 4, "pro": "x"}, "metadata": {"plan": "free"}})).await;
    let free = read_back(&app, &owner, res).await;
    assert_eq!(free["answers"], json!({"q1": 4}), "a question not shown keeps no answer");
    // Another organisation cannot read the survey or its responses.
    let other = app.signed_in("Other").await;
    let res = other.get(app.url(&format!("/api/surveys/{survey}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = other.get(app.url(&format!("/api/responses/{}", free["id"].as_str().unwrap()))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
