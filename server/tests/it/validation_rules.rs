//! Validation rules (README "Surveys → Validation rules"): kept with the
//! survey, refused by name when they cannot work, enforced on every way an
//! answer arrives, and explained to a visitor without JavaScript in their
//! language or in the author's words.

use crate::common::{expect_problem, problem_fields, spawn_app, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

fn questions() -> Value {
    json!([
        {"id": "order", "type": "text", "title": "Your order number", "required": true,
         "validation": {"minLength": 3, "maxLength": 10, "pattern": "[A-Z]{2}\\d+", "message": "Order numbers look like AB123"}},
        {"id": "likes", "type": "multiple_choice", "title": "Pick two",
         "choices": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}, {"id": "c", "label": "C"}],
         "validation": {"minChoices": 2, "maxChoices": 2}},
        {"id": "mail", "type": "email", "title": "Work email", "validation": {"pattern": "(?i).+@example\\.com"}}
    ])
}

async fn create(app: &TestApp, owner: &Client, questions: Value) -> reqwest::Response {
    owner
        .post(app.url("/api/surveys"))
        .json(&json!({
            "name": "Orders", "status": "published", "questions": questions,
            "translations": {"de": {"questions": {"order": {"validationMessage": "Bestellnummern sehen aus wie AB123"}}}}
        }))
        .send()
        .await
        .unwrap()
}

async fn created(app: &TestApp, owner: &Client) -> String {
    let res = create(app, owner, questions()).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

async fn page(app: &TestApp, survey: &str, query: &str) -> String {
    app.client().get(app.url(&format!("/s/{survey}?{query}"))).send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn rules_are_kept_and_every_broken_one_is_refused_by_name() {
    let app = spawn_app().await;
    let owner = app.signed_in("Shop").await;
    let survey = created(&app, &owner).await;
    let stored: Value =
        owner.get(app.url(&format!("/api/surveys/{survey}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(stored["questions"][0]["validation"], questions()[0]["validation"]);
    assert_eq!(stored["questions"][1]["validation"], json!({"minChoices": 2, "maxChoices": 2}));

    let good = json!({"order": "AB123", "likes": ["a", "c"], "mail": "Ana@Example.com"});
    for (change, rule) in [
        (json!({"order": "AB"}), "validation.minLength"),
        (json!({"order": "AB123456789"}), "validation.maxLength"),
        (json!({"order": "ab123"}), "validation.pattern"),
        (json!({"likes": ["a"]}), "validation.minChoices"),
        (json!({"likes": ["a", "b", "c"]}), "validation.maxChoices"),
        (json!({"mail": "ana@example.org"}), "validation.pattern"),
    ] {
        let mut answers = good.clone();
        answers.as_object_mut().unwrap().extend(change.as_object().unwrap().clone());
        let problem = expect_problem(app.submit_completed(&survey, answers.clone()).await, 422).await;
        let key = change.as_object().unwrap().keys().next().unwrap().clone();
        assert_eq!(problem_fields(&problem), [format!("answers.{key}")], "{answers}");
        assert!(problem["errors"][0]["message"].as_str().unwrap().contains(rule), "{problem}");
    }
    let res = app.submit_completed(&survey, good).await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    // Nothing refused was stored.
    let list: Value =
        owner.get(app.url(&format!("/api/surveys/{survey}/responses"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_plain_form_says_which_rule_broke_in_the_visitors_language() {
    let app = spawn_app().await;
    let owner = app.signed_in("Shop").await;
    let survey = created(&app, &owner).await;
    let post = |form: Vec<(&'static str, &'static str)>| {
        let (app, survey) = (&app, &survey);
        async move { app.client().post(app.url(&format!("/s/{survey}"))).form(&form).send().await.unwrap() }
    };
    let res = post(vec![("q.order", "ab1"), ("q.likes", "a")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let back = res.headers()["location"].to_str().unwrap().to_string();
    assert!(back.contains("order%3Apattern") && back.contains("likes%3AminChoices"), "{back}");

    // The author's message for the order number, Vox's own for the choices.
    let shown = page(&app, &survey, "invalid=order:pattern,likes:minChoices").await;
    assert!(shown.contains("Order numbers look like AB123"), "the author's message");
    assert!(shown.contains("Please choose at least 2."), "Vox's message with the rule's figure");
    let german = page(&app, &survey, "lang=de&invalid=order:pattern,likes:minChoices").await;
    assert!(german.contains("Bestellnummern sehen aus wie AB123"), "the translated message");
    assert!(german.contains("Bitte mindestens 2 auswählen."), "Vox's German");

    // Only rules the question has, by name: nothing else reaches the page.
    let crafted = page(&app, &survey, "invalid=likes:maxLength,order:%3Cb%3Ehi,mail:pattern").await;
    assert_eq!(crafted.matches(r#"class="vox-field-error""#).count(), 1, "only mail:pattern is a rule of its question");

    // The browser is told the lengths too, and a survey with a pattern loads
    // the bundle that can match one.
    let plain = page(&app, &survey, "").await;
    assert!(plain.contains(r#"minlength="3""#) && plain.contains(r#"maxlength="10""#), "length attributes");
    assert!(plain.contains("/pkg/widget/every-type/boot.js"), "a pattern needs the every-type bundle");
    let res = post(vec![("q.order", "XY987"), ("q.likes", "a"), ("q.likes", "b")]).await;
    assert!(res.headers()["location"].to_str().unwrap().contains("/thanks"));
}

#[tokio::test]
async fn rules_that_cannot_work_are_refused_and_nothing_is_saved() {
    let app = spawn_app().await;
    let owner = app.signed_in("Shop").await;
    let bad = json!([
        {"id": "order", "type": "text", "title": "Order", "validation": {"pattern": "(AB", "minLength": 5, "maxLength": 2}},
        {"id": "score", "type": "nps", "title": "Score", "validation": {"minChoices": 1}},
        {"id": "likes", "type": "multiple_choice", "title": "Pick", "choices": [{"id": "a", "label": "A"}],
         "validation": {"maxChoices": 3}},
        {"id": "note", "type": "text", "title": "Note", "validation": {"message": "Nothing to explain"}}
    ]);
    let problem = expect_problem(create(&app, &owner, bad).await, 422).await;
    let fields = problem_fields(&problem);
    for field in [
        "questions[0].validation.pattern",
        "questions[0].validation.minLength",
        "questions[1].validation.minChoices",
        "questions[2].validation.maxChoices",
        "questions[3].validation.message",
        "translations.de.questions.order.validationMessage",
    ] {
        assert!(fields.contains(&field.to_string()), "{field}: {fields:?}");
    }
    let pattern_error =
        problem["errors"].as_array().unwrap().iter().find(|e| e["field"] == "questions[0].validation.pattern");
    assert_eq!(pattern_error.unwrap()["message"], "a '(' is not closed with ')' (at character 4)");
    let list: Value = owner.get(app.url("/api/surveys")).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["data"].as_array().unwrap().len(), 0, "no survey was created");

    // An update with a broken rule leaves the survey as it was.
    let survey = created(&app, &owner).await;
    let mut changed = questions();
    changed[0]["validation"]["pattern"] = json!("a{5,2}");
    let res = owner
        .patch(app.url(&format!("/api/surveys/{survey}")))
        .json(&json!({"questions": changed}))
        .send()
        .await
        .unwrap();
    assert_eq!(problem_fields(&expect_problem(res, 422).await), ["questions[0].validation.pattern"]);
    let stored: Value =
        owner.get(app.url(&format!("/api/surveys/{survey}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(stored["questions"][0]["validation"]["pattern"], "[A-Z]{2}\\d+");
}
