//! Pages: several questions on one step. The definition is checked (pages
//! of consecutive questions, logic that fits them), the server walks the
//! pages as the widget does, and a shuffled page keeps one order per visitor.

use crate::common::{expect_problem, get_json, problem_fields, spawn_app, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

fn paged_survey() -> Value {
    json!({
        "name": "Paged", "status": "published",
        "variables": [{"id": "score", "type": "number"}],
        "pages": [{"id": "about", "questions": ["food", "service", "price", "room"], "shuffle": true}],
        "questions": [
            {"id": "visit", "type": "single_choice", "title": "Why did you visit?", "required": true,
             "choices": [{"id": "work", "label": "Work"}, {"id": "leisure", "label": "Leisure"}],
             "logic": [{"when": {"question": "visit", "op": "eq", "value": "work"}, "actions": [{"type": "jump", "page": "about"}]}]},
            {"id": "party", "type": "text", "title": "Who came with you?"},
            {"id": "food", "type": "rating", "scale": 5, "title": "Food", "required": true,
             "logic": [{"actions": [{"type": "calculate", "variable": "score", "operator": "assign", "valueFrom": "food"}]}]},
            {"id": "service", "type": "rating", "scale": 5, "title": "Service", "required": true,
             "logic": [{"when": {"question": "service", "op": "lte", "value": 2}, "actions": [{"type": "jump", "ending": "sorry"}]}]},
            {"id": "price", "type": "rating", "scale": 5, "title": "Price",
             "logic": [{"actions": [{"type": "calculate", "variable": "score", "operator": "multiply", "value": 2}]}]},
            {"id": "room", "type": "text", "title": "About your room",
             "showIf": {"question": "visit", "op": "eq", "value": "leisure"}},
            {"id": "more", "type": "text", "title": "Anything else?"}
        ],
        "endings": [{"id": "sorry", "title": "We are sorry", "text": "A manager will call you."}]
    })
}

async fn read_back(app: &TestApp, owner: &Client, res: reqwest::Response) -> Value {
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    get_json(owner, app.url(&format!("/api/responses/{}", created["id"].as_str().unwrap()))).await
}

async fn create(app: &TestApp, owner: &Client, body: Value) -> reqwest::Response {
    owner.post(app.url("/api/surveys")).json(&body).send().await.unwrap()
}

#[tokio::test]
async fn the_server_walks_a_page_as_one_step_and_runs_its_logic_after_it() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let res = create(&app, &owner, paged_survey()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let survey: Value = res.json().await.unwrap();
    assert_eq!(survey["pages"][0]["questions"], json!(["food", "service", "price", "room"]));
    let id = survey["id"].as_str().unwrap();

    // Work: jump to the page (party skipped, its answer dropped); room hidden by its condition.
    let res = app
        .submit_completed(id, json!({"visit": "work", "party": "colleagues", "food": 4, "service": 5, "price": 3}))
        .await;
    let stored = read_back(&app, &owner, res).await;
    assert_eq!(stored["answers"].get("party"), None);
    assert_eq!(stored["variables"]["score"], 8, "assign 4 (food), then multiply by 2 (price): the survey's order");
    assert_eq!(stored["ending"], Value::Null);

    // The page's questions are required together: one missing is named.
    let res = app.submit_completed(id, json!({"visit": "leisure", "food": 4, "price": 3})).await;
    assert_eq!(problem_fields(&expect_problem(res, 422).await), ["answers.service"]);

    // A jump on the page waits for the page to end, then ends the survey.
    let res = app
        .submit_completed(
            id,
            json!({"visit": "leisure", "food": 2, "service": 1, "price": 5, "room": "noisy", "more": "x"}),
        )
        .await;
    let stored = read_back(&app, &owner, res).await;
    assert_eq!(stored["ending"], "sorry");
    assert_eq!(stored["answers"]["room"], "noisy", "the whole page was asked");
    assert_eq!(stored["answers"].get("more"), None, "after the ending nothing is asked");
}

#[tokio::test]
async fn pages_and_logic_that_do_not_fit_them_are_refused_by_name() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let mut scattered = paged_survey();
    scattered["pages"] = json!([{"id": "about", "questions": ["food", "price"]}, {"id": "x", "questions": ["nope"]}]);
    let res = create(&app, &owner, scattered).await;
    assert_eq!(problem_fields(&expect_problem(res, 422).await), ["pages[0].questions", "pages[1].questions[0]"]);

    let mut inside = paged_survey();
    inside["questions"][0]["logic"][0]["actions"][0] = json!({"type": "jump", "question": "price"});
    inside["questions"][3]["showIf"] = json!({"question": "food", "op": "gte", "value": 3});
    inside["questions"][2]["logic"][0]["actions"][0] = json!({"type": "require", "question": "price"});
    let res = create(&app, &owner, inside).await;
    assert_eq!(
        problem_fields(&expect_problem(res, 422).await),
        [
            "questions[0].logic[0].actions[0].question",
            "questions[2].logic[0].actions[0].question",
            "questions[3].showIf.question"
        ]
    );
}

/// The question titles of the page, in the order the page shows them.
fn titles_in_order(html: &str) -> Vec<String> {
    let names = ["Food", "Service", "Price", "About your room"];
    let mut found: Vec<(usize, String)> =
        names.iter().filter_map(|n| html.find(&format!(">{n}<")).map(|at| (at, n.to_string()))).collect();
    found.sort();
    found.into_iter().map(|(_, n)| n).collect()
}

#[tokio::test]
async fn a_shuffled_page_keeps_one_order_per_visitor() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let survey: Value = create(&app, &owner, paged_survey()).await.json().await.unwrap();
    let page = format!("/s/{}", survey["id"].as_str().unwrap());
    let mut orders = std::collections::HashSet::new();
    for seed in 1..=12u64 {
        let cookie = format!("vox_seed={seed:016x}");
        let get = || app.client().get(app.url(&page)).header("cookie", cookie.clone()).send();
        let first = titles_in_order(&get().await.unwrap().text().await.unwrap());
        let again = titles_in_order(&get().await.unwrap().text().await.unwrap());
        assert_eq!(first.len(), 4, "{first:?}");
        assert_eq!(first, again, "seed {seed}");
        orders.insert(first);
    }
    assert!(orders.len() > 1, "twelve seeds, one order: {orders:?}");
    // The visitor is not told how the page was shuffled; it still names its questions.
    let html = app.client().get(app.url(&page)).send().await.unwrap().text().await.unwrap();
    let props = html.split(r#"id="vox-widget-props">"#).nth(1).unwrap().split("</script>").next().unwrap();
    assert!(!props.contains("shuffle"), "{props}");
    assert!(props.contains(r#""pages":[{"id":"about","questions":["food","service","price","room"]}]"#), "{props}");
}
