//! Shuffled choices: one order per respondent (seed cookie on the survey
//! page, `?seed=` from the embed loader), anchored choices and "Other" in
//! place, answers stored by id whatever the order.

use crate::common::{expect_problem, problem_fields, spawn_app, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const CHOICES: usize = 12;

async fn shuffled_survey(app: &TestApp, owner: &Client) -> String {
    let mut choices: Vec<Value> =
        (1..=CHOICES).map(|i| json!({"id": format!("c{i}"), "label": format!("Choice {i}")})).collect();
    choices.push(json!({"id": "none", "label": "None of the above", "anchored": true}));
    let rows: Vec<Value> = (1..=8).map(|i| json!({"id": format!("r{i}"), "label": format!("Row {i}")})).collect();
    let res = owner
        .post(app.url("/api/surveys"))
        .json(&json!({"name": "Shuffled", "status": "published", "questions": [
            {"id": "q1", "type": "multiple_choice", "title": "Which?", "shuffle": true, "allowOther": true, "choices": choices},
            {"id": "q2", "type": "matrix", "title": "Rate", "shuffle": true, "rows": rows,
             "columns": [{"id": "good", "label": "Good"}, {"id": "bad", "label": "Bad"}]},
            {"id": "q3", "type": "single_choice", "title": "Fixed", "choices": [
                {"id": "a", "label": "A"}, {"id": "b", "label": "B"}, {"id": "c", "label": "C"}]}
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

/// The values of the inputs named `name`, in page order (first time each).
fn values_of(html: &str, name: &str) -> Vec<String> {
    let needle = format!(r#"name="{name}" value=""#);
    let mut seen = Vec::new();
    for part in html.split(&needle).skip(1) {
        let value = part.split('"').next().unwrap().to_string();
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    seen
}

/// The matrix rows in page order (their inputs are named `q.q2.<row>`).
fn rows_of(html: &str) -> Vec<String> {
    let mut rows = Vec::new();
    for part in html.split(r#"name="q.q2."#).skip(1) {
        let row = part.split('"').next().unwrap().to_string();
        if !rows.contains(&row) {
            rows.push(row);
        }
    }
    rows
}

struct Shown {
    html: String,
    set_cookie: Option<String>,
}

async fn show(app: &TestApp, path: &str, cookie: Option<&str>) -> Shown {
    let mut request = reqwest::Client::new().get(app.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let res = request.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let set_cookie = res.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_string());
    Shown { html: res.text().await.unwrap(), set_cookie }
}

#[tokio::test]
async fn a_respondent_keeps_one_order_and_anchored_choices_keep_their_place() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let survey = shuffled_survey(&app, &owner).await;
    let page = format!("/s/{survey}");

    let first = show(&app, &page, None).await;
    let cookie = first.set_cookie.expect("a new visitor gets a seed");
    assert!(cookie.starts_with("vox_seed="), "{cookie}");
    for attribute in ["Path=/s/", "HttpOnly", "SameSite=Lax", "Max-Age=31536000"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    let seed = cookie.split(';').next().unwrap().to_string();
    let order = values_of(&first.html, "q.q1");
    assert_eq!(order.len(), CHOICES + 2, "every choice, none and other: {order:?}");
    assert_eq!(&order[CHOICES..], ["none", "other"], "anchored, then other, stay last");
    let natural: Vec<String> = (1..=CHOICES).map(|i| format!("c{i}")).collect();
    assert_ne!(order[..CHOICES], natural[..], "12 choices left in order by chance: 1 in 479 million");
    let mut sorted = order[..CHOICES].to_vec();
    sorted.sort_by_key(|c| c[1..].parse::<usize>().unwrap());
    assert_eq!(sorted, natural, "nothing lost or doubled");
    assert_eq!(values_of(&first.html, "q.q3"), ["a", "b", "c"], "a question without shuffle keeps its order");
    let rows = rows_of(&first.html);
    assert_eq!(rows.len(), 8);

    // A reload with the cookie: the same order, and no new cookie.
    let again = show(&app, &page, Some(&seed)).await;
    assert_eq!(again.set_cookie, None);
    assert_eq!(values_of(&again.html, "q.q1"), order);
    assert_eq!(rows_of(&again.html), rows);

    // The embed loader's seed wins over the cookie; the same seed, the same order.
    let hex = seed.trim_start_matches("vox_seed=");
    let embedded = show(&app, &format!("{page}?seed={hex}"), Some("vox_seed=0000000000000001")).await;
    assert_eq!(values_of(&embedded.html, "q.q1"), order);
    // Other respondents see other orders (eight seeds all equal: 1 in 10^60).
    let mut orders = std::collections::HashSet::new();
    for s in 1..=8 {
        orders.insert(values_of(&show(&app, &format!("{page}?seed={s:016x}"), None).await.html, "q.q1"));
    }
    assert!(orders.len() > 1);

    // A malformed seed or cookie is ignored: a fresh seed is drawn.
    let bad = show(&app, &format!("{page}?seed=zz%3Cb%3E"), Some("vox_seed=<script>")).await;
    assert!(bad.set_cookie.is_some());
    assert!(!bad.html.contains("<script>"));
}

#[tokio::test]
async fn what_the_visitor_is_sent_does_not_say_how_it_was_shuffled_and_answers_go_by_id() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let survey = shuffled_survey(&app, &owner).await;
    let shown = show(&app, &format!("/s/{survey}"), Some("vox_seed=00000000000000aa")).await;
    let props = shown.html.split(r#"id="vox-widget-props">"#).nth(1).unwrap().split("</script>").next().unwrap();
    assert!(!props.contains("shuffle") && !props.contains("anchored"), "{props}");

    // The no-JavaScript form posts choice ids: stored as answered.
    let res = app
        .client()
        .post(app.url(&format!("/s/{survey}")))
        .header("cookie", "vox_seed=00000000000000aa")
        .form(&[("q.q1", "c7"), ("q.q1", "none"), ("q.q2.r3", "good"), ("q.q3", "b")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let list: Value =
        owner.get(app.url(&format!("/api/surveys/{survey}/responses"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["data"][0]["answers"]["q1"], json!(["c7", "none"]));
    assert_eq!(list["data"][0]["answers"]["q2"], json!({"r3": "good"}));

    // The author's definition keeps its order and its settings.
    let stored: Value =
        owner.get(app.url(&format!("/api/surveys/{survey}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(stored["questions"][0]["shuffle"], true);
    assert_eq!(stored["questions"][0]["choices"][0]["id"], "c1");
    assert_eq!(stored["questions"][0]["choices"][CHOICES]["anchored"], true);
    assert_eq!(stored["questions"][2].get("shuffle"), None, "off is not written out");
}

#[tokio::test]
async fn surveys_without_shuffling_set_no_cookie_and_only_choice_questions_shuffle() {
    let app = spawn_app().await;
    let owner = app.signed_in("Acme").await;
    let plain = app.published_survey(&owner).await;
    assert_eq!(show(&app, &format!("/s/{plain}"), None).await.set_cookie, None);

    let res = owner
        .post(app.url("/api/surveys"))
        .json(&json!({"name": "Bad", "questions": [
            {"id": "q1", "type": "nps", "title": "?", "shuffle": true},
            {"id": "q2", "type": "single_choice", "title": "?", "shuffle": true, "choices": [{"id": "a", "label": "A"}]}
        ]}))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(res, 422).await;
    assert_eq!(problem_fields(&problem), ["questions[0].shuffle"]);
}
